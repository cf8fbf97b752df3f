"""The demand's transfer upward is no longer a dead end: it becomes (or joins) a deputy's suggestion draft."""

from __future__ import annotations

from lianxin.core.events import DomainEvent, subscribe
from lianxin.demands.events import Event as DemandEvent

from .services import suggestion_draft_from


@subscribe(DemandEvent.TRANSFER)
def draft_suggestion(event: DomainEvent) -> None:
    """Inside the transfer's transaction: the draft exists if and only if the transfer does."""
    suggestion_draft_from(
        demand=event.subject,
        actor=event.actor,
        to_level=str(event.data.get("to_level", "")),
        note=str(event.data.get("note", "")),
    )
