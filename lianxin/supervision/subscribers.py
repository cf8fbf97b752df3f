"""The demand's transfer upward is no longer a dead end: it becomes (or joins) a deputy's suggestion draft.
A themed supervision that concludes marks done the items of adopted supervision plans that name it."""

from __future__ import annotations

from lianxin.core.events import DomainEvent, subscribe
from lianxin.demands.events import Event as DemandEvent

from .events import ThemeKind
from .services import plan_items_of_concluded_theme, suggestion_draft_from


@subscribe(DemandEvent.TRANSFER)
def draft_suggestion(event: DomainEvent) -> None:
    """Inside the transfer's transaction: the draft exists if and only if the transfer does."""
    suggestion_draft_from(
        demand=event.subject,
        actor=event.actor,
        to_level=str(event.data.get("to_level", "")),
        note=str(event.data.get("note", "")),
    )


@subscribe(ThemeKind.FINISH)
def theme_item_done(event: DomainEvent) -> None:
    """Inside the conclusion's transaction, by the presidium who concluded it."""
    plan_items_of_concluded_theme(theme=event.subject, actor=event.actor)
