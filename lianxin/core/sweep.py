"""The one deadline-light sweep: every row that carries a deadline, recoloured by one loop.

An app that keeps deadlines describes them once with ``Deadlines`` and adds that to its kit's ``lights``
slot in ``AppConfig.ready()``:

    kit(self.label).add("lights", services.ASSIGNMENT_DEADLINES)

The worker's every-minute task (``core.tasks.sweep_lights``) runs ``sweep_all``, which walks every
registration. What happens when a light changes (a reminder, an escalation to the presidium, an event the
notices subscribe to) is the app's ``changed`` callback; the recolouring itself, and the guarantee that two
sweeps running at once write one reminder and not two, live here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from . import clock
from .kit import everywhere
from .lights import Light, light_for


@dataclass(frozen=True)
class Deadlines:
    """The rows of one model that the sweep recolours, and what their app does when a light changes.

    ``rows`` gives the rows still on the clock (read as the worker); the sweep itself leaves out the red
    ones and, if asked, other towns. ``window`` gives a row's yellow window (None: the ordinary one).
    ``changed(row, light, at)`` runs inside the transaction that swapped the light, only on a turn to
    yellow or red (back to green, after a new deadline, says nothing). ``escalated`` names the field that
    takes the time a row turned red (and is cleared otherwise), or None for a model without one.
    """

    name: str
    rows: Callable[[], QuerySet[Any]]
    changed: Callable[[Any, Light, dt.datetime], None]
    window: Callable[[Any], dt.timedelta] | None = None
    due: str = "due_at"
    light: str = "light"
    escalated: str | None = "escalated_at"


def sweep(
    deadlines: Deadlines, *, at: dt.datetime | None = None, town_id: int | None = None
) -> dict[str, int]:
    """Recolour one registration's lights; how many turned yellow and red.

    Each change is a compare-and-swap on the stored light: of two sweeps that read the same row, only the
    one whose update finds the old light still there goes on to call ``changed``.
    """
    at = at or clock.now()
    counts = {Light.YELLOW.value: 0, Light.RED.value: 0}
    rows = deadlines.rows().exclude(**{deadlines.light: Light.RED})
    if town_id is not None:
        rows = rows.filter(town_id=town_id)
    for row in rows.iterator():
        old = getattr(row, deadlines.light)
        window = deadlines.window(row) if deadlines.window is not None else None
        light = light_for(due_at=getattr(row, deadlines.due), at=at, window=window)
        if light == old:
            continue
        update: dict[str, Any] = {deadlines.light: light}
        if deadlines.escalated:
            update[deadlines.escalated] = at if light == Light.RED else None
        with transaction.atomic():
            changed = type(row)._default_manager.filter(pk=row.pk, **{deadlines.light: old}).update(**update)
            if not changed or light == Light.GREEN:
                continue
            for field, value in update.items():
                setattr(row, field, value)
            deadlines.changed(row, light, at)
            counts[light] += 1
    return counts


def registered() -> list[Deadlines]:
    """Every app's registration, in the order the apps registered."""
    return [entry for _, entry in everywhere("lights")]


def sweep_all(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, dict[str, int]]:
    """The worker's sweep: every registration, each under its name. One moment for all of them."""
    at = at or clock.now()
    return {d.name: sweep(d, at=at, town_id=town_id) for d in registered()}
