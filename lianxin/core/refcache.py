"""A town's reference data (cells, categories, departments, the intake's model…) kept per process.

Recording a demand needs the town's cells (which cell holds the point), its categories and departments and
its gazetteer (the intake's suggestion): read from the database on each call, they were most of a
recording's statements. ``cached(name, town_id, build)`` keeps what ``build`` returns in the process, under
a version that the shared cache holds per name and town; ``watch(name, *models)`` makes a saved or deleted
row of those models change that version, at once and again when its transaction commits (a process that
rebuilt in between read the old row). Every process then rebuilds on its next read. A change that skips
the model's signals (``QuerySet.update``, SQL) must call ``changed`` itself.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_kept: dict[tuple[str, int], tuple[str, Any]] = {}
_lock = threading.Lock()


def _key(name: str, town_id: int) -> str:
    return f"lianxin:ref:{name}:{town_id}"


def version(name: str, town_id: int) -> str:
    found = cache.get(_key(name, town_id))
    if found is None:  # never set, or the cache was emptied: a new version, so every process rebuilds
        cache.add(_key(name, town_id), uuid.uuid4().hex, timeout=None)
        found = cache.get(_key(name, town_id)) or ""
    return str(found)


def changed(name: str, town_id: int) -> None:
    """The town's ``name`` data changed: every process's copy of it is stale."""
    cache.set(_key(name, town_id), uuid.uuid4().hex, timeout=None)
    with _lock:
        _kept.pop((name, town_id), None)


def cached(name: str, town_id: int, build: Callable[[], T]) -> T:
    """What ``build()`` returns for the town, built once per process and version."""
    current = version(name, town_id)
    with _lock:
        found = _kept.get((name, town_id))
    if found is not None and found[0] == current:
        return found[1]
    value = build()
    with _lock:
        _kept[(name, town_id)] = (current, value)
    return value


def watch(name: str, *watched: type[models.Model], town: Callable[[Any], int | None] | None = None) -> None:
    """A saved or deleted row of these models changes the version of ``name`` for the row's town."""

    def on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
        town_id = town(instance) if town is not None else getattr(instance, "town_id", None)
        if town_id is None:
            return
        changed(name, town_id)
        transaction.on_commit(lambda: changed(name, town_id))

    for model in watched:
        uid = f"lianxin-refcache-{name}-{model._meta.label}"
        post_save.connect(on_change, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(on_change, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
