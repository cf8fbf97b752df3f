from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxin.core.models import Town
from lianxin.duty import rebuild
from lianxin.people.models import Deputy


class Command(BaseCommand):
    help = (
        "Rebuild the deputies' duty record from the event tables, through the same sources the record "
        "uses, publishing nothing: --check writes nothing, prints each difference and exits 1 if any; "
        "without it the missing entries are added (running it again adds none)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--town", help="one town's code (default: every town)")
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")

    def handle(self, *args: Any, town: str | None = None, check: bool = False, **options: Any) -> None:
        town_id = None
        if town:
            town_id = Town.objects.filter(code=town).values_list("pk", flat=True).first()
            if town_id is None:
                raise CommandError(f"no town with the code {town!r}")
        difference = rebuild.compare(town_id=town_id)
        names = dict(Deputy.objects.values_list("pk", "name"))
        for entry in difference.missing:
            self.stdout.write(
                f"missing  {names.get(entry.deputy_id, entry.deputy_id)} (#{entry.deputy_id})  {entry.kind}  "
                f"{entry.source}#{entry.source_id}  {entry.at:%Y-%m-%d %H:%M}"
            )
        for deputy_id, kind, source, source_id in difference.extra:
            self.stdout.write(
                f"extra    {names.get(deputy_id, deputy_id)} (#{deputy_id})  {kind}  {source}#{source_id}"
            )
        for (deputy_id, kind), counts in difference.by_deputy_and_kind().items():
            self.stdout.write(
                f"per deputy and kind: {names.get(deputy_id, deputy_id)} (#{deputy_id}) {kind}: "
                f"{counts['missing']} missing, {counts['extra']} extra"
            )
        if check:
            self.stdout.write(f"{len(difference.missing)} missing, {len(difference.extra)} extra")
            if difference:
                raise SystemExit(1)
            return
        added = rebuild.add_missing(difference)
        self.stdout.write(f"{added} entries added, {len(difference.extra)} extra left as they are")
