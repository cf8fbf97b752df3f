"""The shapes of a notice table: what an app registers (``kit(label).add("notices", table)``) so that the one
notice engine in ``notify`` tells the right people of its events. Data only: an app describes who hears of
what and in which words; it never queues a message itself, and never imports ``notify``.

    TABLE = NoticeTable(
        notices={Kind.OPEN: (Notice(("owner",), _("To do: %(title)s"), channels=("sms",)),)},
        audiences={"owner": lambda e: [e.subject.owner]},
        facts=lambda e: {"title": e.subject.title},
        link=lambda e: reverse("things:detail", args=[e.subject.pk]),
    )

An audience resolver returns people (accounts) and groups (``Group``: a department, the presidium, a cell's
deputies); the audience ``CITIZEN`` is answered by the table's ``citizens`` resolver, and each citizen's
link by the ``CitizenLink`` that the app owning the citizen's page registers (``kit("portal").add("links",
…)``), so neither the table nor the engine knows another app's URL names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .events import DomainEvent

CITIZEN = "citizen"  # the person outside the staff an event is about (the requester of a demand)


def _no_body(event: DomainEvent) -> str:
    return ""


@dataclass(frozen=True)
class Notice:
    """One line of a table: the audiences told, the subject (``%``-formatted with the table's facts), the
    body, the channels besides in-app for the people told (``"sms"``, ``"email"``, any registered channel),
    and a condition. A citizen is always also texted when they have no account, as the receipt promised.
    ``template`` names the SMS template a real gateway sends for it (its variables taken from the table's
    facts and ``url``, the link); without one the notice is not texted through a gateway.

    ``action``: the people told must do something (claim, accept, review, decide); the bell files the notice
    under "needs me", else under "for information". ``key``: the notice's kind as people switch it on and
    off in their settings; blank means ``"<table name>.<event kind>"`` (``kind_key``)."""

    to: tuple[str, ...]
    subject: str | Promise
    body: Callable[[DomainEvent], str] = _no_body
    channels: tuple[str, ...] = ()
    when: Callable[[DomainEvent], bool] | None = None
    template: str = ""
    action: bool = False
    key: str = ""


@dataclass(frozen=True)
class Group:
    """An audience that is a group, not a person: its members are told, and a channel that addresses groups
    (a department's group robot, say) can reach the group itself by ``kind`` and ``key``."""

    kind: str  # "department", "presidium", "cell_deputies", …
    key: Any
    members: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Citizen:
    """A citizen an event concerns: their account if they have one, else the phone they gave; ``about`` is
    the object whose page they follow (their own demand, also when it was merged into another); ``facts``
    override the table's facts for them (their own code)."""

    user: Any
    phone: str
    about: Any
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CitizenLink:
    """How a citizen reaches an object of ``on`` (``"app.Model"``): registered by the app that owns the
    citizen's page; ``url`` takes the object and returns an absolute URL."""

    on: str
    url: Callable[[Any], str]


@dataclass(frozen=True)
class Waiting:
    """One thing that waits for a person (the daily digest lists them, overdue first): what it is, its
    page, its deadline if it has one, and whether that deadline has passed. An app registers a callable
    ``(user, at) → list[Waiting]`` with ``kit(label).add("waiting", …)``."""

    title: str
    url: str
    due_at: Any = None
    overdue: bool = False


def _subject_town(event: DomainEvent) -> int:
    return event.town_id


@dataclass(frozen=True)
class NoticeTable:
    """An app's notices as data: event kind → notices; audience name → resolver; the facts the words use;
    the staff page the people told are linked to; and the citizens behind an event, when a notice names
    ``CITIZEN``. ``skip_actor``: nobody is told of what they did themselves."""

    notices: Mapping[Any, tuple[Notice, ...]]
    audiences: Mapping[str, Callable[[DomainEvent], Iterable[Any]]] = field(default_factory=dict)
    facts: Callable[[DomainEvent], Mapping[str, Any]] = lambda event: {}
    link: Callable[[DomainEvent], str] = lambda event: ""
    citizens: Callable[[DomainEvent], Iterable[Citizen]] | None = None
    town_id: Callable[[DomainEvent], int] = _subject_town
    skip_actor: bool = True
    name: str = ""

    def kind_key(self, kind: Any, notice: Notice) -> str:
        """The stable key of a notice's kind: its own ``key``, else the table's name and the event kind's
        value ("demands.assign"); preferences and locks are stored under it."""
        return notice.key or f"{self.name}.{getattr(kind, 'value', kind)}"

    def __hash__(self) -> int:  # the kit keeps one of each registered table
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other
