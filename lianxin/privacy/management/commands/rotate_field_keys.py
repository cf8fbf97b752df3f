from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lianxin.core.fields import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS. Put the new key first, "
        "keep the old ones after it, run this, then drop the old keys (docs/security.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = rotate_keys()
        self.stdout.write(f"{count} values re-encrypted with the first key")
