import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from lianxin.core.models import Town
from lianxin.demo.generator import generate


class Command(BaseCommand):
    help = "Create or update the demo town (Chengguan); --scale N makes a county of N towns for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="number of towns (default 1)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar and no login list")

    def handle(self, *args: Any, scale: int, quiet: bool, **options: Any) -> None:
        if scale < 1:
            self.stderr.write("--scale must be 1 or more")
            raise SystemExit(2)
        # A county: a bar over its towns. One town: a line per part, with the seconds spent (a first build
        # takes a minute or two, and a bar that stays at 0/1 all that time says nothing).
        bar = None if quiet or scale == 1 else (lambda it: tqdm(it, total=scale, desc="towns", unit="town"))
        started = time.monotonic()

        def say(what: str) -> None:
            self.stdout.write(f"  · {what} … {time.monotonic() - started:.0f} s")
            self.stdout.flush()

        stats = generate(scale=scale, progress=bar, say=None if quiet or scale > 1 else say)
        self.stdout.write(f"demo data: {stats.created} rows created, {stats.updated} updated")
        first = Town.objects.order_by("code").first()
        if first is not None and not quiet:
            self.stdout.write(
                f"demo town: {first.name}, code {first.code} (the public pages: /m/{first.code}/, "
                f"/board/{first.code}/)"
            )
        if not quiet:
            self.stdout.write("demo logins (user / role / password):")
            for username, role, password in stats.logins:
                self.stdout.write(f"  {username:<11} {role:<14} {password}")
