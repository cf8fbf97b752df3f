"""Benchmark: build a county of N demo towns, then time the staff pages over it.

    .venv/bin/python bench/county.py --towns 10 [--database-url postgres://postgres@127.0.0.1:5432/lx_bench]

Uses its own var/ directory (a temporary one) so the demo town is untouched. Prints one line per figure.
Not a test: the numbers depend on the machine; docs and closing notes quote them with the machine named.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="lianxin-bench-")
    os.environ["LIANXIN_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{var}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production storage, as served
    from lianxin.accounts.models import User
    from lianxin.demo.generator import generate

    t0 = time.perf_counter()
    stats = generate(scale=args.towns)
    built = time.perf_counter() - t0
    print(f"database            {connection.vendor}")
    print(f"towns               {args.towns}")
    print(f"rows created        {stats.created}")
    print(f"build               {built:.1f} s ({built / args.towns:.2f} s per town)")
    t0 = time.perf_counter()
    again = generate(scale=args.towns)
    print(
        f"rebuild (no change) {time.perf_counter() - t0:.1f} s, {again.created} created, {again.updated} updated"
    )

    client = Client()
    pages = [
        "/",
        "/people/deputies/",
        "/people/observers/",
        "/territory/stations/",
        "/demands/lists/",
        "/demands/lists/completion/",
    ]
    for username in ("presidium", "county"):
        client.force_login(User.objects.get(username=username))
        for url in pages:
            client.get(url)  # warm
            times = []
            for _ in range(args.repeat):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    t = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(
                f"{username:<9} {url:<22} median {statistics.median(times):6.1f} ms"
                f"  p95 {sorted(times)[int(len(times) * 0.95) - 1]:6.1f} ms  {len(queries)} queries"
            )


if __name__ == "__main__":
    main()
