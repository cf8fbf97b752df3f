from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from huey.exceptions import ResultTimeout

from lianxin.core.tasks import ping


class Command(BaseCommand):
    help = "Queue a ping and wait for the background worker to answer it (exit 1 if none does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait (default 30)")

    def handle(self, *args: Any, timeout: float, **options: Any) -> None:
        result = ping()
        try:
            answer = result.get(blocking=True, timeout=timeout) if hasattr(result, "get") else result
        except ResultTimeout:
            answer = None
        if answer is None:
            if hasattr(result, "revoke"):
                result.revoke()  # nobody should find a stale ping later
            raise CommandError(f"no worker answered within {timeout:g} s")
        self.stdout.write(f"worker answered at {answer}")
