"""The board's totals (``selectors.board_totals``) are dropped from the cache when what they count changes:
a publication saved or deleted, or a demand moving between the board's "in progress" and "done"."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lianxin.core.events import DomainEvent, subscribe
from lianxin.demands.events import Event
from lianxin.demands.states import DONE, IN_PROGRESS, STAGE_DONE, STAGE_IN_PROGRESS

from .models import Publication
from .selectors import totals_changed


def _stage(status: str) -> str:
    return STAGE_DONE if status in DONE else STAGE_IN_PROGRESS if status in IN_PROGRESS else ""


@receiver(post_save, sender=Publication, dispatch_uid="lianxin-board-totals-saved")
@receiver(post_delete, sender=Publication, dispatch_uid="lianxin-board-totals-deleted")
def publication_changed(sender: Any, instance: Publication, **kwargs: Any) -> None:
    _changed(instance.town_id)


@subscribe(Event)
def demand_moved(event: DomainEvent) -> None:
    if _stage(event.before) != _stage(event.after):
        _changed(event.town_id)


def _changed(town_id: int) -> None:
    """At once, and again on commit (a page that counted in between read the rows before the change)."""
    totals_changed(town_id)
    transaction.on_commit(lambda: totals_changed(town_id))
