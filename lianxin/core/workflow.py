"""One core for every workflow: a table of moves, and the one function that makes a move.

A workflow (demands today; disputes, projects, inquiry commitments and suggestions next) declares:

* its model and the model of its event rows (a ``core.models.EventRow`` with a foreign key to the subject),
* its event kinds (a ``TextChoices``: the stored value and the staff's label),
* its moves, one ``Move`` each, carrying everything about the move: where it may start and end, who may
  make it (a ``rules`` predicate, registered as the permission ``<app>.<action>`` when the table is made),
  the service that makes it, the page's form and the API's serializer, and its labels,
* its steps: the event kinds that are not moves (recording, the sweep's reminders), with their labels.

Pages, API actions and "what may I do here" are generated from the table, so adding a move is one entry.
A service makes its move with ``transition`` (or ``step`` for an event that leaves the status alone):
check permission, then state, compare-and-swap the status, write the event row and publish the domain
event, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import clock
from .events import DomainEvent, publish
from .kit import kit

Label = str | Promise


class TransitionError(ValidationError):
    """The object is not (or no longer) in a state that allows this move: a 409, not a 400."""


@dataclass(frozen=True)
class Move:
    """One move of a workflow. ``target`` None: the service decides (an evaluation may pass or return)."""

    kind: Any  # a member of the workflow's event kinds; its value is the action's name
    sources: tuple[str, ...]
    target: str | None
    may: rules.Predicate  # who may make it, on which object
    service: Callable[..., Any]  # called as service(<subject>=obj, actor=user, **cleaned input)
    form: type[Any]  # the page's form (``prefix`` is the action)
    serializer: type[Any]  # the API's input
    label: Label  # the staff's button and heading
    citizen: Label  # what the citizen and the public read on the timeline
    # A further condition for offering the move (a pending request…); the service itself says why not.
    when: Callable[[Any], bool] | None = None
    # The move needs a reason (``reason`` in its input): the form requires it and the core refuses a blank
    # one with a 400 before the service runs. ``why`` is what a blank reason is told (each move keeps its own
    # words, so their translations hold).
    requires_reason: bool = False
    why: Label | None = None

    @property
    def action(self) -> str:
        return str(self.kind)

    def refuse_blank_reason(self, reason: Any) -> None:
        """A 400 on ``reason`` when the move needs one and ``reason`` is blank."""
        if self.requires_reason and not str(reason or "").strip():
            raise ValidationError({"reason": self.why or _("Say why.")})


@dataclass(frozen=True)
class Step:
    """An event kind that is not a move: recorded, reminded by the sweep, linked to an account."""

    kind: Any
    citizen: Label


_WORKFLOWS: dict[type[models.Model], Workflow] = {}
_PERMISSIONS: dict[str, type[models.Model]] = {}  # "<app>.<action>" → the model whose table declares it


class Workflow:
    def __init__(
        self,
        *,
        model: type[models.Model],
        events: type[models.Model],
        subject: str,
        kinds: type[models.TextChoices],
        moves: Iterable[Move],
        steps: Iterable[Step] = (),
        status_field: str = "status",
        touch: str | None = None,
    ) -> None:
        self.model, self.events, self.subject, self.kinds = model, events, subject, kinds
        self.status_field = status_field
        # A field of the model that keeps the time of its latest event (lists read it, not the events).
        self.touch = touch
        self.moves: dict[str, Move] = {m.action: m for m in moves}
        self.steps: dict[str, Step] = {s.kind.value: s for s in steps}
        self.app_label = model._meta.app_label
        unknown = [a for a in [*self.moves, *self.steps] if a not in kinds.values]
        missing = [k for k in kinds.values if k not in self.moves and k not in self.steps]
        if unknown or missing:
            raise ValueError(f"{model.__name__}: kinds without a declaration {missing}, undeclared {unknown}")
        for move in self.moves.values():
            name = self.permission(move.action)
            owner = _PERMISSIONS.setdefault(name, model)
            if owner is not model:  # two tables of one app must not share an action's name
                raise ValueError(
                    f"{name} is a move of {owner.__name__} already; name {model.__name__}'s apart"
                )
            rules.set_perm(name, move.may)
        _WORKFLOWS[model] = self
        kit(self.app_label).add("workflows", self)  # the app's registry lists its tables (core/kit.py)

    # --- reading the table ------------------------------------------------------------------------
    def permission(self, action: str) -> str:
        return f"{self.app_label}.{action}"

    def allowed(self, principal: Any, obj: Any) -> list[Move]:
        """The moves ``principal`` may make on ``obj`` now: from its status, by right, and by condition."""
        status = getattr(obj, self.status_field)
        return [
            m
            for m in self.moves.values()
            if status in m.sources
            and principal.has_perm(self.permission(m.action), obj)
            and (m.when is None or m.when(obj))
        ]

    def staff_label(self, kind: str) -> Label:
        return self.kinds(kind).label if kind in self.kinds.values else kind

    def citizen_label(self, kind: str) -> Label:
        entry = self.moves.get(kind) or self.steps.get(kind)
        return entry.citizen if entry is not None else kind

    # --- making moves ---------------------------------------------------------------------------
    def check(self, principal: Any, action: str, obj: Any) -> Move:
        """Right first (a principal who may not act learns nothing of the state), then the state."""
        move = self.moves[action]
        if not principal.has_perm(self.permission(action), obj):
            raise PermissionDenied(_("Your role does not allow this."))
        status = getattr(obj, self.status_field)
        if status not in move.sources:
            choices = obj._meta.get_field(self.status_field).choices
            shown = dict(choices or []).get(status, status)
            raise TransitionError(
                _("This item is %(status)s; it cannot be %(action)s now.")
                % {"status": shown, "action": move.label}
            )
        return move

    def transition(
        self,
        obj: Any,
        action: str,
        actor: Any,
        *,
        to: str | None = None,
        note: str = "",
        data: dict[str, Any] | None = None,
        checked: bool = False,
        **fields: Any,
    ) -> Any:
        """Make the move: check (unless the service already did), compare-and-swap the status, write the
        event and publish it. Must run inside the caller's transaction.

        The compare-and-swap is ``UPDATE … WHERE pk = ? AND status = <the status read>``: of two deputies
        claiming at once, exactly one wins. On PostgreSQL the loser's UPDATE waits for the winner's commit
        and then matches no row; on SQLite IMMEDIATE transactions queue the writers.
        """
        move = self.moves[action] if checked else self.check(actor, action, obj)
        # A service called without the page or the API (a command, a job) is held to its reason too.
        move.refuse_blank_reason(note)
        target = to or move.target
        if target is None:
            raise ValueError(f"{action}: the service must say where the move ends")
        before = getattr(obj, self.status_field)
        at = clock.now()
        if self.touch:
            fields = {self.touch: at, **fields}
        rows = (
            type(obj)
            .objects.filter(pk=obj.pk, **{self.status_field: before})
            .update(**{self.status_field: target}, **fields)
        )
        if rows != 1:
            raise TransitionError(
                _("Someone else changed this item a moment ago. Please reload and try again.")
            )
        obj.refresh_from_db()
        self.emit(
            obj, move.kind, actor, before=before, after=target, note=note, data=data, at=at, touched=True
        )
        return obj

    def step(
        self, obj: Any, kind: Any, actor: Any, *, note: str = "", data: dict[str, Any] | None = None
    ) -> Any:
        """An event that leaves the status where it is (a reminder, a request, a linked account)."""
        move = self.moves.get(self.kinds(kind).value)
        if move is not None:  # a move that changes no status still keeps its reason
            move.refuse_blank_reason(note)
        status = getattr(obj, self.status_field)
        return self.emit(obj, kind, actor, before=status, after=status, note=note, data=data)

    def emit(
        self,
        obj: Any,
        kind: Any,
        actor: Any,
        *,
        before: str,
        after: str,
        note: str = "",
        data: dict[str, Any] | None = None,
        at: Any = None,
        touched: bool = False,
    ) -> Any:
        """Write the event row and publish the domain event (the workflow's only writer of events).

        With ``touch`` declared, the subject's field takes the event's time, unless the caller wrote it
        already (``touched``: a transition's own UPDATE, a new row created with it)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("workflow events are written inside the change's transaction")
        kind = self.kinds(kind)
        at = at or clock.now()
        if self.touch and not touched:
            type(obj).objects.filter(pk=obj.pk).update(**{self.touch: at})
            setattr(obj, self.touch, at)
        data = dict(data or {})
        # The row keeps what the readers are told (model instances stored as their keys, see
        # ``EventDataEncoder``), so a reader such as the duty record can be rebuilt from the table alone.
        row = self.events.objects.create(  # type: ignore[attr-defined]
            town_id=obj.town_id,
            **{self.subject: obj},
            action=kind.value,
            from_status=before,
            to_status=after,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
            at=at,
            data=data,
        )
        publish(
            DomainEvent(
                kind=kind,
                subject=obj,
                actor=actor,
                at=at,
                before=before,
                after=after,
                note=note,
                row=row,
                data=data,
            )
        )
        return row


def workflow_of(model: type[models.Model]) -> Workflow:
    """The workflow of a model (registered when its app's table is imported, in the app's ``ready()``)."""
    return _WORKFLOWS[model]
