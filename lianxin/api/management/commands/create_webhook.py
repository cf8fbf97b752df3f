from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.models import Town
from lianxin.demands.models import Channel

from ...services import webhook_subscribe


class Command(BaseCommand):
    help = (
        "Subscribe a URL to every change of the town's demands of a channel. Prints the signing secret once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("town", help="the town's code or name")
        parser.add_argument("name", help="what the receiver is, e.g. '12345 write-back'")
        parser.add_argument(
            "url", help="https URL that receives signed JSON POSTs (http too with OUTBOUND_ALLOW_HTTP)"
        )
        parser.add_argument("--channel", default=Channel.HOTLINE, choices=Channel.values)

    def handle(self, *args: Any, **options: Any) -> None:
        town = (
            Town.objects.filter(code=options["town"]).first()
            or Town.objects.filter(name=options["town"]).first()
        )
        if town is None:
            raise CommandError(f"No town with code or name {options['town']!r}.")
        try:
            sub, secret = webhook_subscribe(
                town=town, name=options["name"], url=options["url"], channel=options["channel"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Webhook {sub.name} → {sub.url}; signing secret (shown once, store it now):")
        self.stdout.write(secret)
