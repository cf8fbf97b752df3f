"""Typed domain events, published by the workflows and read by whoever subscribes.

A publisher never imports its readers. Each workflow declares its event kinds as a ``TextChoices`` (the
value is what its event table stores; the label is what the staff timeline shows). Other apps subscribe
to a kind, to every kind of a workflow, or (``ALL``) to every kind of every workflow, in one of two phases:

* ``TRANSACTION``: called at once, inside the change's transaction. Use it for writes that must exist if
  and only if the change does, such as the outbox rows that carry notifications (a crash after the commit
  loses nothing: the worker delivers the outbox).
* ``COMMIT``: called after the transaction commits (never if it rolls back): nudges, caches, wake-ups.

Subscribers are registered by the subscribing app's ``ready()``, so a worker job or a management command
that imports only a service still reaches every subscriber.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db import models, transaction

TRANSACTION = "transaction"
COMMIT = "commit"
ALL = "*"


@dataclass(frozen=True)
class DomainEvent:
    """One thing that happened to one object of a workflow."""

    kind: models.TextChoices  # a member of the workflow's kinds
    subject: Any  # the object the event is about (a demand)
    actor: Any  # the user, or None for the worker
    at: dt.datetime
    before: str = ""
    after: str = ""
    note: str = ""
    row: Any = None  # the stored event row
    data: Mapping[str, Any] = field(default_factory=dict)  # facts readers need (department, reason, …)

    @property
    def town_id(self) -> int:
        return int(self.subject.town_id)

    @property
    def moved(self) -> bool:
        return self.before != self.after


Subscriber = Callable[[DomainEvent], None]
_SUBSCRIBERS: dict[tuple[type[Enum], str, str], list[Subscriber]] = {}


def _key(kinds: type[Enum], value: str, phase: str) -> tuple[type[Enum], str, str]:
    return (kinds, value, phase)


def subscribe(*kinds: Any, phase: str = TRANSACTION) -> Callable[[Subscriber], Subscriber]:
    """Call the decorated function for each event of these kinds. A kind is a member of a workflow's kinds,
    or the whole ``TextChoices`` class for every kind of that workflow, or ``ALL`` for every kind of every
    workflow, present and future (the audit trail). Registering the same function twice
    (a module imported again) keeps one registration."""
    if phase not in (TRANSACTION, COMMIT):
        raise ValueError(f"unknown phase {phase!r}")

    def register(func: Subscriber) -> Subscriber:
        for kind in kinds:
            if isinstance(kind, str) and kind == ALL and not isinstance(kind, Enum):
                key = _key(Enum, ALL, phase)
            elif isinstance(kind, type) and issubclass(kind, Enum):
                key = _key(kind, ALL, phase)
            else:
                key = _key(type(kind), str(kind), phase)
            listeners = _SUBSCRIBERS.setdefault(key, [])
            name = f"{func.__module__}.{func.__qualname__}"
            listeners[:] = [f for f in listeners if f"{f.__module__}.{f.__qualname__}" != name]
            listeners.append(func)
        return func

    return register


def subscribers(kind: Any, phase: str) -> list[Subscriber]:
    kinds = type(kind)
    return [
        *_SUBSCRIBERS.get(_key(kinds, str(kind), phase), []),
        *_SUBSCRIBERS.get(_key(kinds, ALL, phase), []),
        *_SUBSCRIBERS.get(_key(Enum, ALL, phase), []),
    ]


def publish(event: DomainEvent) -> None:
    """Hand the event to its subscribers: the transaction's now, the commit's when (and if) it commits."""
    for func in subscribers(event.kind, TRANSACTION):
        func(event)
    for func in subscribers(event.kind, COMMIT):
        transaction.on_commit(functools.partial(func, event))


def unsubscribe(func: Subscriber) -> None:
    """Remove ``func`` from every kind and phase it listens to (tests; a feature switched off)."""
    for listeners in _SUBSCRIBERS.values():
        listeners[:] = [f for f in listeners if f is not func]
