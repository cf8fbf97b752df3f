"""lianxin manage warnings_scan [--at DATE] [--town CODE]: run the early-warning job for a given day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianxin.core.models import Town
from lianxin.insight.services import warnings_scan


class Command(BaseCommand):
    help = "Find recurring subjects and rising trends (the daily early-warning job) as of a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="the day (YYYY-MM-DD), scanned as of its end; default: now")
        parser.add_argument("--town", help="a town code; default: every town")

    def handle(self, *args: Any, **opts: Any) -> None:
        at = None
        if opts["at"]:
            try:
                day = dt.date.fromisoformat(opts["at"])
            except ValueError as e:
                raise CommandError(f"--at: not a date (YYYY-MM-DD): {opts['at']}") from e
            at = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        town_id = None
        if opts["town"]:
            town = Town.objects.filter(code=opts["town"]).first()
            if town is None:
                raise CommandError(f"--town: no town with code {opts['town']}")
            town_id = town.pk
        result = warnings_scan(at=at, town_id=town_id)
        self.stdout.write(
            f"warnings: {result['created']} new, {result['updated']} updated, {result['kept']} already decided, "
            f"{result['ended']} ended"
        )
