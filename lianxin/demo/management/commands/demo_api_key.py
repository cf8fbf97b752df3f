from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lianxin.api.services import api_key_rotate
from lianxin.core.models import Town
from lianxin.demo import data

DEMO_KEY_NAME = "demo hotline"


class Command(BaseCommand):
    help = "Issue a fresh key for the demo town's hotline and print it (the previous demo key is revoked)."

    def handle(self, *args: Any, **options: Any) -> None:
        town = Town.objects.filter(county__code=data.COUNTY[0]).order_by("code").first()
        if town is None:
            self.stderr.write("No demo town yet: run `lianxin demo` first.")
            return
        # Only the hash is stored, so a key can be shown only when it is made: each run rotates the key.
        _key, raw = api_key_rotate(town=town, name=DEMO_KEY_NAME)
        self.stdout.write(f"API key for {town} (12345 hotline, Open311 api_key; new each run): {raw}")
