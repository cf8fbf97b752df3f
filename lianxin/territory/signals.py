"""A cell saved or deleted makes every process's index of its town's cells stale (``selectors.cell_index``):
at once, and again when the change commits (a process that rebuilt meanwhile read the old boundary)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import GridCell
from .selectors import cells_changed


@receiver(post_save, sender=GridCell, dispatch_uid="lianxin-cells-saved")
@receiver(post_delete, sender=GridCell, dispatch_uid="lianxin-cells-deleted")
def cell_changed(sender: Any, instance: GridCell, **kwargs: Any) -> None:
    town_id = instance.town_id
    cells_changed(town_id)
    transaction.on_commit(lambda: cells_changed(town_id))
