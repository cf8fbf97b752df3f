from typing import Any

from django.core.management.base import BaseCommand

from lianxin.ops import migration_rule


class Command(BaseCommand):
    help = (
        "At release time: record every migration on disk in lianxin/ops/released_migrations.txt, so that the "
        "next release's new migrations are checked against this one (check_migrations). Commit the file."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = migration_rule.write_released()
        self.stdout.write(f"{count} migrations recorded as released in {migration_rule.RELEASED}")
