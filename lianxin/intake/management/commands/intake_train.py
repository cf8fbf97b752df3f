"""Train a new version of each town's intake model (shipped examples + the town's decisions)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.models import Town
from lianxin.intake.services import model_train

from ._report import lines


class Command(BaseCommand):
    help = "Train the intake classifier of a town (or of every town) and print its held-out figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--town", help="the town's code (default: every town)")
        parser.add_argument("--quiet-matrix", action="store_true", help="leave out the confusion matrix")

    def handle(self, *args: Any, **options: Any) -> None:
        towns = Town.objects.order_by("code")
        if options["town"]:
            towns = towns.filter(code=options["town"])
            if not towns.exists():
                raise CommandError(f"no town with code {options['town']}")
        for town in towns:
            model = model_train(town=town)
            self.stdout.write(
                f"{town} ({town.code}): model v{model.version} trained on {model.shipped_examples} shipped "
                f"examples and {model.town_examples} of the town's decisions"
            )
            for line in lines(model.metrics, confusion=not options["quiet_matrix"]):
                self.stdout.write(line)
