from typing import Any

from django.core.management.base import BaseCommand

from lianxin.privacy.services import demands_anonymise, due_for_anonymising, retention


class Command(BaseCommand):
    help = "Clear the requester's personal data of demands finished longer ago than DEMAND_RETENTION_DAYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            self.stdout.write(
                f"{due_for_anonymising().count()} demands due (retention {retention().days} days)"
            )
            return
        self.stdout.write(f"{demands_anonymise()} demands anonymised (retention {retention().days} days)")
