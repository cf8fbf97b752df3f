from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.models import Town
from lianxin.demands.models import Channel

from ...services import api_key_create


class Command(BaseCommand):
    help = "Issue an API key (also the Open311 api_key) for a system of a town. The key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("town", help="the town's code or name")
        parser.add_argument("name", help="what the key is for, e.g. '12345 hotline'")
        parser.add_argument("--channel", default=Channel.HOTLINE, choices=Channel.values)

    def handle(self, *args: Any, **options: Any) -> None:
        town = (
            Town.objects.filter(code=options["town"]).first()
            or Town.objects.filter(name=options["town"]).first()
        )
        if town is None:
            raise CommandError(f"No town with code or name {options['town']!r}.")
        try:
            key, raw = api_key_create(town=town, name=options["name"], channel=options["channel"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"API key {key.prefix}… for {town} · {key.name} (shown once, store it now):")
        self.stdout.write(raw)
