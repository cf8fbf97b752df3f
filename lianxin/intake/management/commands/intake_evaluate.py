"""Measure each town's model in use on the shipped held-out split, or say the town uses keyword rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.models import Town
from lianxin.intake import classifier
from lianxin.intake.selectors import active_model, bundle_of

from ._report import lines


class Command(BaseCommand):
    help = "Print accuracy, macro-F1 and the confusion matrix of the intake model in use."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--town", help="the town's code (default: every town)")

    def handle(self, *args: Any, **options: Any) -> None:
        towns = Town.objects.order_by("code")
        if options["town"]:
            towns = towns.filter(code=options["town"])
            if not towns.exists():
                raise CommandError(f"no town with code {options['town']}")
        _, held = classifier.split(classifier.shipped())
        for town in towns:
            model = active_model(town.pk)
            if model is None:
                self.stdout.write(
                    f"{town} ({town.code}): no model; suggestions use keyword rules (method: rules)"
                )
                continue
            bundle = bundle_of(model)
            if bundle is None:
                self.stdout.write(
                    f"{town} ({town.code}): model v{model.version} refused (not signed with this "
                    "installation's key); suggestions use keyword rules until intake_train makes a new one"
                )
                continue
            metrics = classifier.evaluate(bundle, held)
            self.stdout.write(f"{town} ({town.code}): model v{model.version}")
            for line in lines(metrics):
                self.stdout.write(line)
