from typing import Any

from django.core.management.base import BaseCommand

from lianxin.privacy.services import due_count, personal_data_anonymise, retention_days


class Command(BaseCommand):
    help = "Clear the requester's personal data of demands finished longer ago than DEMAND_RETENTION_DAYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            self.stdout.write(f"{due_count()} demands due (retention {retention_days()} days)")
            return
        self.stdout.write(
            f"{personal_data_anonymise()} demands anonymised (retention {retention_days()} days)"
        )
