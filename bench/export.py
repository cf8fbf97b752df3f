"""Benchmark: an export of a long list through the worker job (issue 17, item 3) — keyset batches, write-only
openpyxl — on a town topped up to N demands on the completion list.

    .venv/bin/python bench/export.py --rows 60000 \
        --database-url postgres://postgres@127.0.0.1:5432/lx_exports [--json var/bench-export.json]

From another bench script (``bench/run``), with Django not yet set up::

    from bench.export import run
    figures = run(rows=60_000, database_url="postgres://…")   # a dict, also printed

Builds the demo town (one, through the real services), then copies its completed and evaluated demands (with
their assignment and the citizen's evaluation, by bulk_create) until the completion list holds ``rows``
demands; then runs the export job as the worker would (``export_start`` then ``export_run``) for the
presidium's completion list and for the county viewer's year, and reports time, rows/s, queries and the
process's peak memory (``resource.getrusage``: the peak before the export and after it; a streaming export
adds little whatever the rows). ``--compare N`` also times the old way (django-import-export's own
``Resource.export``, offsets of 100 rows) on the first N rows. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _setup(database_url: str) -> None:
    """Django on its own var/ directory (the demo town is untouched) and the given database."""
    from django.conf import settings

    if settings.configured:
        return
    var = tempfile.mkdtemp(prefix="lianxin-bench-export-")
    os.environ["LIANXIN_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "false")
    os.environ["HUEY_IMMEDIATE"] = "0"  # export_run is called here, as the worker would
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def build(rows: int) -> dict[str, Any]:
    """The demo town, then copies of its finished demands until the completion list holds ``rows``."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from lianxin.demands.models import Assignment, Demand, Evaluation, EvaluatorRole
    from lianxin.demands.states import COMPLETION_LIST
    from lianxin.demo.generator import generate

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    generate(scale=1)
    demo = time.perf_counter() - t0
    originals = Demand.objects.filter(status__in=COMPLETION_LIST, assignment__isnull=False).exclude(
        code__startswith="BX-"
    )
    have = Demand.objects.filter(status__in=COMPLETION_LIST).count()
    t0 = time.perf_counter()
    serial = 0
    while have < rows:
        # read the sources afresh each round: the objects read are turned into the copies
        chunk = list(originals.select_related("assignment").order_by("pk")[: min(rows - have, 5000)])
        verdicts = {
            e.demand_id: e
            for e in Evaluation.objects.filter(role=EvaluatorRole.CITIZEN, demand__in=chunk).order_by(
                "at", "pk"
            )
        }
        sources = [d.pk for d in chunk]
        assignments = [d.assignment for d in chunk]
        for d in chunk:
            serial += 1
            d.pk = None
            d.code = f"BX-{serial:07d}"
            d.intake_key = ""
            d._state.adding = True
        with transaction.atomic():
            made = Demand.objects.bulk_create(chunk)
            evaluations = []
            for source, assignment, copy in zip(sources, assignments, made, strict=True):
                assignment.pk = None
                assignment.demand = copy
                assignment._state.adding = True
                if (verdict := verdicts.get(source)) is not None:
                    verdict.pk = None
                    verdict.demand = copy
                    verdict._state.adding = True
                    evaluations.append(verdict)
            Assignment.objects.bulk_create(assignments)
            Evaluation.objects.bulk_create(evaluations)
        have += len(chunk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would soon after a bulk load: fresh statistics
            cursor.execute("ANALYZE")
    return {
        "demo_town_s": round(demo, 1),
        "top_up_s": round(time.perf_counter() - t0, 1),
        "completion_list_rows": Demand.objects.filter(status__in=COMPLETION_LIST).count(),
        "demands": Demand.objects.count(),
    }


def _job(kind: str, params: dict[str, Any], user: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lianxin.exports import services

    job = services.export_start(kind=kind, params=params, title=kind, actor=user)
    before = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        job = services.export_run(job_id=job.pk)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "rows": job.done,
        "seconds": round(took, 2),
        "rows_per_s": round(job.done / took) if took else 0,
        "cpu_s": round(cpu, 2),  # this process's CPU: the machine may be shared
        "rows_per_cpu_s": round(job.done / cpu) if cpu else 0,
        "db_s": round(sum(float(q["time"]) for q in queries.captured_queries), 2),
        "queries": len(queries),
        "peak_rss_before_mb": round(before, 1),
        "peak_rss_after_mb": round(_peak_mb(), 1),
        "file_mb": round(job.file.size / 1e6, 1),
        "status": job.status,
    }


def measure(*, compare: int = 0) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from lianxin.accounts.models import User
    from lianxin.demands import selectors
    from lianxin.demands.exports import DemandSheet

    presidium = User.objects.get(username="presidium")
    county = User.objects.get(username="county")
    out: dict[str, Any] = {"batch": settings.EXPORT_BATCH}
    out["completion_list"] = _job("demands.list", {"list": "completion", "filters": {}}, presidium)
    out["county_year"] = _job("demands.year", {"year": timezone.localdate().year}, county)
    if compare:
        qs = selectors.list_demands(user=presidium, kind="completion")
        pks = list(qs.order_by("-created_at").values_list("pk", flat=True)[:compare])
        t0, c0 = time.perf_counter(), time.process_time()
        DemandSheet().export(queryset=qs.filter(pk__in=pks))  # the old way: import-export's own pages
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        out["old_import_export"] = {
            "rows": len(pks),
            "seconds": round(took, 2),
            "rows_per_s": round(len(pks) / took),
            "cpu_s": round(cpu, 2),
            "rows_per_cpu_s": round(len(pks) / cpu) if cpu else 0,
        }
    return out


def run(
    *, rows: int = 60_000, database_url: str = "", compare: int = 0, build_data: bool = True
) -> dict[str, Any]:
    """Build (unless ``build_data`` is false: the database of an earlier run), measure, print, return."""
    _setup(database_url)
    from django.db import connection

    figures: dict[str, Any] = {"database": connection.vendor, **(build(rows) if build_data else {})}
    figures.update(measure(compare=compare))
    for key, value in figures.items():
        print(f"{key:22} {value}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--compare", type=int, default=0, help="time the old export on this many rows")
    parser.add_argument("--json", default="", help="write the figures here too")
    parser.add_argument("--no-build", action="store_true", help="measure the database an earlier run built")
    args = parser.parse_args()
    figures = run(
        rows=args.rows, database_url=args.database_url, compare=args.compare, build_data=not args.no_build
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
