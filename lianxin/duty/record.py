"""The duty record's subscriber: each event of a kind in ``sources.SOURCES`` becomes one entry per deputy
who took part, exactly once (a unique constraint on the event row and the deputy; a replayed event, a
retried job or a second publish inserts nothing). It runs inside the change's transaction, so an entry
exists if and only if the change does."""

from __future__ import annotations

from lianxin.core.events import DomainEvent, subscribe
from lianxin.demands.models import Demand
from lianxin.people.models import Deputy

from .models import DutyEntry
from .sources import KINDS, SOURCES, key


def deputies_of(event: DomainEvent) -> list[int]:
    """The deputies an event lands with (see ``sources.Source``), all of the event's town. The subject's
    deputy is in its town already (a same-town trigger); listed ones are checked here."""
    source = SOURCES[key(event.kind)]
    ids: set[int] = set()
    deputy = getattr(event.actor, "deputy", None) if source.actor else None
    if deputy is not None and deputy.town_id == event.town_id:
        ids.add(deputy.pk)
    if source.subject and (pk := getattr(event.subject, "deputy_id", None)) is not None:
        ids.add(pk)
    listed = {int(pk) for pk in (event.data.get("deputies", ()) or ()) if source.listed} - ids
    if listed:
        ids.update(Deputy.objects.filter(town_id=event.town_id, pk__in=listed).values_list("pk", flat=True))
    return sorted(ids)


def source_of(row: object) -> str:
    meta = row._meta  # type: ignore[attr-defined]
    return f"{meta.app_label}.{meta.model_name}"


def entries_for(event: DomainEvent) -> list[DutyEntry]:
    """The entries one event makes (unsaved): the subscriber writes them, the rebuild compares them."""
    source = SOURCES[key(event.kind)]
    if event.row is None or (source.when is not None and not source.when(event)):
        return []
    deputies = deputies_of(event)
    if not deputies:
        return []
    subject = event.subject
    demand = subject if isinstance(subject, Demand) else getattr(subject, "demand", None)
    summary = f"{subject.code} {subject.title}" if isinstance(subject, Demand) else str(subject)
    kind = source.activity_of(event)
    return [
        DutyEntry(
            town_id=event.town_id,
            deputy_id=pk,
            kind=kind,
            at=event.at,
            summary=summary[:160],
            source=source_of(event.row),
            source_id=event.row.pk,
            demand=demand if isinstance(demand, Demand) else None,
        )
        for pk in deputies
    ]


@subscribe(*KINDS)
def record_duty(event: DomainEvent) -> None:
    entries = entries_for(event)
    if entries:
        DutyEntry.objects.bulk_create(entries, ignore_conflicts=True)
