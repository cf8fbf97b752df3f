from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from lianxin.ops.startkeys import new_field_key, new_secret_key


class Command(BaseCommand):
    help = (
        "Print a fresh SECRET_KEY and FIELD_ENCRYPTION_KEYS as environment-file lines, for a NEW town. A town "
        "that already has data uses show_derived_keys instead (docs/operations.md, Keys)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"# Lianxin keys, made {timezone.now():%Y-%m-%d}. Keep this file readable by the service only\n"
            "# (chmod 600) and a copy off this machine: without FIELD_ENCRYPTION_KEYS a backup is unreadable.\n"
            "# SECRET_KEY never changes once the town has data (phone lookups are keyed by it).\n"
            f"SECRET_KEY={new_secret_key()}\n"
            f"FIELD_ENCRYPTION_KEYS={new_field_key()}\n"
        )
