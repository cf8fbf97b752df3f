"""The duty record rebuilt from the event tables: every stored event row of a kind in ``sources.SOURCES``
is read back as the event it published (its ``data`` is on the row) and passed through the same
``record.entries_for`` the subscriber uses, so the two cannot disagree about what an event is worth.
Nothing is published. ``lianxin manage duty_rebuild [--check]`` is the command."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from lianxin.core.events import DomainEvent
from lianxin.core.kit import everywhere
from lianxin.core.workflow import Workflow, workflow_of

from .models import DutyEntry
from .record import entries_for
from .sources import SOURCES, key

# An entry as the rebuild compares it: (deputy, activity kind, source table, source row).
Key = tuple[int, str, str, int]


def _workflows() -> list[Workflow]:
    found = []
    for model in apps.get_models():
        try:
            found.append(workflow_of(model))
        except KeyError:
            continue
    return found


def _events(flow: Workflow, town_id: int | None) -> Iterator[DomainEvent]:
    """The stored events of one workflow whose kinds the duty record counts, as their publisher told them."""
    values = [v for v in flow.kinds.values if key(flow.kinds(v)) in SOURCES]
    if not values:
        return
    rows = flow.events.objects.filter(  # type: ignore[attr-defined]
        **{f"{flow.subject}__isnull": False}, action__in=values
    )
    if town_id is not None:
        rows = rows.filter(town_id=town_id)
    for row in rows.select_related(flow.subject, "actor__deputy").order_by("pk").iterator(chunk_size=500):
        if not row.published:  # an imported row: no reader heard it, so it was never counted
            continue
        yield DomainEvent(
            kind=flow.kinds(row.action),
            subject=getattr(row, flow.subject),
            actor=row.actor,
            at=row.at,
            before=row.from_status,
            after=row.to_status,
            note=row.note,
            row=row,
            data=row.data or {},
        )


def _unlisted(event: DomainEvent, naming: set[tuple[type, str]]) -> bool:
    """A row written before event rows kept their data: its kind names deputies (every publisher of such a
    kind sends ``data["deputies"]``, if only an empty list) but the row has no list. Its listed deputies
    cannot be known again, so the entries it has are taken as they are."""
    return key(event.kind) in naming and "deputies" not in event.data


def expected(*, town_id: int | None = None) -> tuple[dict[Key, DutyEntry], set[tuple[str, int]]]:
    """Every entry the event tables call for (unsaved), by its key; and the rows whose listed deputies are
    unknown (``_unlisted``), as (source, id)."""
    naming = {key(kind) for _, kind in everywhere("deputy_kinds")}
    found: dict[Key, DutyEntry] = {}
    unlisted: set[tuple[str, int]] = set()
    for flow in _workflows():
        for event in _events(flow, town_id):
            if _unlisted(event, naming):
                meta = event.row._meta
                unlisted.add((f"{meta.app_label}.{meta.model_name}", event.row.pk))
            for entry in entries_for(event):
                found[(entry.deputy_id, entry.kind, entry.source, entry.source_id)] = entry
    return found, unlisted


def stored(*, town_id: int | None = None) -> set[Key]:
    rows = DutyEntry.objects.all()
    if town_id is not None:
        rows = rows.filter(town_id=town_id)
    return set(rows.values_list("deputy_id", "kind", "source", "source_id"))


@dataclass
class Difference:
    missing: list[DutyEntry]  # called for by an event, not in the record
    extra: list[Key]  # in the record, called for by no event

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra)

    def by_deputy_and_kind(self) -> dict[tuple[int, str], dict[str, int]]:
        """Counts per (deputy, kind): how many are missing and how many extra."""
        counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: {"missing": 0, "extra": 0})
        for entry in self.missing:
            counts[(entry.deputy_id, entry.kind)]["missing"] += 1
        for deputy_id, kind, _source, _id in self.extra:
            counts[(deputy_id, kind)]["extra"] += 1
        return dict(sorted(counts.items()))


def compare(*, town_id: int | None = None) -> Difference:
    """The record against the events, writing nothing."""
    want, unlisted = expected(town_id=town_id)
    have = stored(town_id=town_id)
    return Difference(
        missing=[want[k] for k in sorted(want.keys() - have)],
        extra=sorted(k for k in have - want.keys() if (k[2], k[3]) not in unlisted),
    )


@transaction.atomic
def add_missing(difference: Difference) -> int:
    """Write the missing entries; an entry written meanwhile is skipped (the unique constraint), so running
    it twice adds nothing the second time. Extra entries are left for a person to look at."""
    before = DutyEntry.objects.count()
    DutyEntry.objects.bulk_create(difference.missing, ignore_conflicts=True)
    return DutyEntry.objects.count() - before
