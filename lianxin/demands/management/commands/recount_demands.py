from typing import Any

from django.core.management.base import BaseCommand

from lianxin.core.models import Town
from lianxin.demands import counters


class Command(BaseCommand):
    help = (
        "Rebuild the kept counts of demands per town and status from the demands themselves "
        "(after a bulk load by SQL, or to check them: --check changes nothing)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--town", action="append", default=[], help="a town's code (repeatable)")
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")

    def handle(self, *args: Any, town: list[str], check: bool = False, **options: Any) -> None:
        towns = list(Town.objects.filter(code__in=town).values_list("pk", "code")) if town else None
        ids = [pk for pk, _code in towns] if towns is not None else None
        names = dict(Town.objects.values_list("pk", "code"))
        if check:
            wrong = 0
            for pk in ids if ids is not None else list(names):
                kept, live = counters.counts([pk]), counters.live([pk])
                if kept != live:
                    wrong += 1
                    diff = {s: (kept[s], live[s]) for s in kept if kept[s] != live[s]}
                    self.stdout.write(f"{names[pk]}: kept ≠ counted {diff}")
            self.stdout.write(f"{wrong} towns differ")
            if wrong:
                raise SystemExit(1)
            return
        found = counters.recount(ids)
        for pk, by_status in sorted(found.items()):
            self.stdout.write(f"{names.get(pk, pk)}: {sum(by_status.values())} demands")
        self.stdout.write(f"{len(found)} towns recounted")
