from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

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
        bar = None if quiet else (lambda it: tqdm(it, total=scale, desc="towns", unit="town"))
        stats = generate(scale=scale, progress=bar)
        self.stdout.write(f"demo data: {stats.created} rows created, {stats.updated} updated")
        if not quiet:
            self.stdout.write("demo logins (user / role / password):")
            for username, role, password in stats.logins:
                self.stdout.write(f"  {username:<11} {role:<14} {password}")
