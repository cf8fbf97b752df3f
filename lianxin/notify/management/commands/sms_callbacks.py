"""Print the callback URLs to enter in the SMS gateway's console (docs/notifications.md, "SMS gateways")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from lianxin.notify.sms import GATEWAYS, callback_token


class Command(BaseCommand):
    help = "Print the delivery-report and reply callback URLs for each SMS gateway's console."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base", default="", help="the site's public https address (else PORTAL_PUBLIC_BASE_URL)"
        )

    def handle(self, *args: Any, base: str = "", **options: Any) -> None:
        base = (base or settings.PORTAL_PUBLIC_BASE_URL).rstrip("/")
        token = callback_token()
        for provider in GATEWAYS:
            for kind in ("report", "reply"):
                path = reverse(f"notify:sms_{kind}", args=[provider, token])
                self.stdout.write(f"{provider}\t{kind}\t{base}{path}")
