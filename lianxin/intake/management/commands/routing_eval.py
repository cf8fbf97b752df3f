"""Measure the lead-department routing: top-1, top-3, how often it says 不确定, accuracy per department and the
confusion matrix, on the shipped held-out split or on a separate test set (``--testset``).

Without ``--town`` it trains a model for the measure: on the shipped training part for the split, on all of
the shipped data for a separate test set (which is never trained on). With ``--town`` it measures the town's
model in use (which has seen the whole split only if it was trained that way: read its figures so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.models import Town
from lianxin.intake import classifier
from lianxin.intake.selectors import active_model, bundle_of

DEFAULT_TESTSET = Path("tests/intake/data/routing_testset.jsonl")


class Command(BaseCommand):
    help = "Print the lead department's top-1, top-3, per-department accuracy and confusion matrix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--testset",
            nargs="?",
            const=str(DEFAULT_TESTSET),
            help=f"a JSON-lines file of text, category, department (bare flag: {DEFAULT_TESTSET}); "
            "default: the shipped held-out split",
        )
        parser.add_argument("--town", help="measure this town's model in use instead of training one")
        parser.add_argument("--bands", action="store_true", help="accuracy per band of confidence")

    def handle(self, *args: Any, **options: Any) -> None:
        shipped = classifier.shipped()
        train, held = classifier.split(shipped)
        if options["testset"]:
            path = Path(options["testset"])
            if not path.exists():
                raise CommandError(f"no test set at {path}")
            held, train, what = classifier.read_jsonl(path), shipped, f"test set {path}"
        else:
            what = f"shipped held-out split (every {classifier.HELD_OUT_EVERY}th of each category)"
        if options["town"]:
            town = Town.objects.filter(code=options["town"]).first()
            model = active_model(town.pk) if town is not None else None
            bundle = bundle_of(model) if model is not None else None
            if bundle is None:
                raise CommandError(f"town {options['town']} has no usable model (see intake_evaluate)")
            source = f"town {town} model v{model.version}"  # type: ignore[union-attr]
        else:
            bundle = classifier.train(train)
            source = f"trained now on {len(train)} shipped examples"
        report = classifier.evaluate(bundle, held)
        d = report["department"]
        w = self.stdout.write
        w(f"{what}: {len(held)} examples; model {source}")
        w(
            f"lead department: top-1 {d['accuracy']:.3f}  top-3 {d['top3']:.3f}  macro-F1 {d['macro_f1']:.3f}  "
            f"uncertain (< {classifier.UNSURE_BELOW}) {d['uncertain']:.1%}  top-1 when sure "
            f"{d['accuracy_when_sure']:.3f}"
        )
        if any(e.category for e in held):  # a test set may name departments only
            c = report["category"]
            w(f"category: top-1 {c['accuracy']:.3f}  top-3 {c['top3']:.3f}")
        w("per department (examples, top-1):")
        counts: dict[str, int] = {}
        for e in held:
            counts[e.department] = counts.get(e.department, 0) + 1
        for label, acc in sorted(d["per_label"].items(), key=lambda kv: kv[1]):
            w(f"  {label:<6} {counts[label]:>4}  {acc:.3f}")
        w("confusion matrix (rows: truth, columns: guess)")
        w(classifier.confusion_text(d))
        if options["bands"]:
            w("confidence band: examples, top-1 right")
            for band, n, acc in classifier.bands(bundle, held):
                w(f"  {band}  {n:>4}  {acc:.3f}")
