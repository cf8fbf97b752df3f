"""Benchmark: the intake classifier on the shipped data's fixed held-out split, and suggestions per second.

    .venv/bin/python bench/intake.py [--repeat 3]

Prints, for the shipped data alone: training time, accuracy and macro-F1 of the category and of the lead
department on the held-out split, and a learning curve (the first N training examples per category).
Then, in the demo town (built in a temporary var/ directory, with its year of demands and its model):
full suggestions per second (category, department, cell and duplicates, one text at a time and in
batches of 50), and the classifier alone. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="lianxin-bench-")
    os.environ["LIANXIN_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    from lianxin.accounts.principals import WORKER
    from lianxin.intake import classifier, text
    from lianxin.intake.selectors import suggest, suggest_many

    text.words("预热")  # jieba loads its dictionary once per process (about a second): not training
    shipped = classifier.shipped()
    train, held = classifier.split(shipped)
    print(f"shipped examples: {len(shipped)} (train {len(train)}, held out {len(held)})")
    for n in (3, 6, 10, None):
        part = train if n is None else classifier.first_per_category(train, n)
        started = time.perf_counter()
        bundle = classifier.train(part)
        took = time.perf_counter() - started
        m = classifier.evaluate(bundle, held)
        label = "all" if n is None else f"first {n}/category"
        print(
            f"train on {label:>18} ({len(part):>3}): {took:5.2f} s · "
            f"category acc {m['category']['accuracy']:.3f} F1 {m['category']['macro_f1']:.3f} · "
            f"department acc {m['department']['accuracy']:.3f} F1 {m['department']['macro_f1']:.3f}"
        )
    texts = [e.text for e in held]
    started = time.perf_counter()
    for _ in range(args.repeat):
        classifier.guesses(bundle, texts)
    rate = len(texts) * args.repeat / (time.perf_counter() - started)
    print(f"classifier alone: {rate:,.0f} texts/s")

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo_town", verbosity=0)
    print(f"demo town built (with its model) in {time.perf_counter() - started:.1f} s")
    from lianxin.core.models import Town

    town = Town.objects.order_by("pk").first()
    assert town is not None
    started = time.perf_counter()
    for _ in range(args.repeat):
        for t in texts:
            suggest(principal=WORKER, town_id=town.pk, text=t)
    one = len(texts) * args.repeat / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(args.repeat):
        for i in range(0, len(texts), 50):
            suggest_many(principal=WORKER, town_id=town.pk, items=[{"text": t} for t in texts[i : i + 50]])
    many = len(texts) * args.repeat / (time.perf_counter() - started)
    print(f"full suggestions (with duplicates), one at a time: {one:,.0f}/s; in batches of 50: {many:,.0f}/s")


if __name__ == "__main__":
    main()
