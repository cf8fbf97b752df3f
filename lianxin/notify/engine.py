"""The one notice engine: a subscriber of every event that reads the notice tables the apps registered
(``kit(label).add("notices", NoticeTable(...))``, shapes in ``core/notices.py``) and queues what they say.

For each event: every table with notices for its kind; for each notice whose condition holds, its audiences
resolved by the table (people, or groups whose members are told), nobody told of what they did themselves,
and the citizens behind the event linked to their own page (the ``CitizenLink`` the page's app registered).
The words are rendered in each staff recipient's language (their account's choice, else the town's; a citizen
always in the town's), each person's choices of channel per kind are honoured (``preferences.py``), and all the
messages of the event are queued in one INSERT inside the change's transaction, so they exist if and only if
the change does. This module imports no domain app.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from lianxin.core.events import ALL, DomainEvent, subscribe
from lianxin.core.kit import everywhere
from lianxin.core.notices import CITIZEN, Citizen, CitizenLink, Group, Notice, NoticeTable

from .models import OutboxMessage
from .preferences import Switches, honour
from .robots import robot_rows
from .services import messages, queue


def town_language() -> str:
    return str(settings.LANGUAGE_CODE)


def language_of(user: Any) -> str:
    """The language a person reads notices in: their account's choice, else the town's."""
    return str(getattr(user, "language", "") or town_language())


def tables_for(kind: Any) -> Iterator[tuple[NoticeTable, tuple[Notice, ...]]]:
    """Each registered table's notices for this kind. Kinds of two workflows may share a value ("complete"),
    so a table's key matches only a kind of the same workflow."""
    for _label, table in everywhere("notices"):
        for key, notices in table.notices.items():
            if type(key) is type(kind) and key == kind:
                yield table, notices


def people(found: Iterable[Any]) -> list[Any]:
    """The accounts an audience names: people as they are, each group as its members; each once, in order."""
    accounts: dict[int, Any] = {}
    for item in found:
        for user in item.members if isinstance(item, Group) else (item,):
            if user is not None:
                accounts.setdefault(user.pk, user)
    return list(accounts.values())


def citizen_link(obj: Any) -> str:
    """The page a citizen follows ``obj`` on, as the app owning that page registered it."""
    label = obj._meta.label
    for _label, link in everywhere("links"):
        if isinstance(link, CitizenLink) and link.on == label:
            return link.url(obj)
    raise LookupError(f"no citizen link is registered for {label}")


def _by_language(users: list[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for user in users:
        groups.setdefault(language_of(user), []).append(user)
    return groups


def rows_for(table: NoticeTable, notices: tuple[Notice, ...], event: DomainEvent) -> list[OutboxMessage]:
    """The outbox rows one table's notices make of one event, unsaved."""
    town_id = table.town_id(event)
    actor_pk = getattr(event.actor, "pk", None)

    def told(user: Any) -> bool:
        return not (table.skip_actor and actor_pk is not None and user.pk == actor_pk)

    rows: list[OutboxMessage] = []
    for notice in notices:
        if notice.when is not None and not notice.when(event):
            continue
        key = table.kind_key(event.kind, notice)
        if CITIZEN in notice.to and table.citizens is not None:
            for citizen in table.citizens(event):
                rows += _tagged(_to_citizen(table, notice, event, citizen, town_id, told), key, False)
        staff = people(u for name in notice.to if name != CITIZEN for u in table.audiences[name](event))
        staff = [u for u in staff if told(u)]
        if not staff:
            continue
        # Each person's choices for this kind (one query), the town's lock on it: a channel switched off
        # is not queued for them, one they added is.
        switches = Switches.load(
            key=key, defaults=("inapp", *notice.channels), town_id=town_id, user_ids=(u.pk for u in staff)
        )
        channels = (*notice.channels, *switches.extra_channels())
        link = table.link(event)
        for language, users in _by_language(staff).items():
            with translation.override(language):
                made = messages(
                    town_id=town_id,
                    users=users,
                    subject=str(notice.subject) % table.facts(event),
                    body=notice.body(event),
                    url=link,
                    channels=channels,
                    template=notice.template,
                    params={**table.facts(event), "url": link},
                )
            rows += _tagged(honour(made, switches), key, notice.action)
    return rows


def _tagged(rows: list[OutboxMessage], key: str, action: bool) -> list[OutboxMessage]:
    for row in rows:
        row.kind, row.action = key, action
    return rows


def _to_citizen(
    table: NoticeTable, notice: Notice, event: DomainEvent, citizen: Citizen, town_id: int, told: Any
) -> list[OutboxMessage]:
    """A citizen is told in the app when they have an account, else by a text to the phone they gave; the
    words link to their own page, never the staff page. A citizen reads the town's language (an account's
    choice is staff's: the citizens' texts and pages speak as the town does)."""
    account = [citizen.user] if citizen.user is not None else []
    if account and not told(citizen.user):
        return []
    if not account and not citizen.phone:
        return []
    link = citizen_link(citizen.about)
    with translation.override(town_language()):
        facts = {**table.facts(event), **citizen.facts}
        return messages(
            town_id=town_id,
            users=account,
            subject=str(notice.subject) % facts,
            body=f"{notice.body(event)} {link}".strip(),
            url=link,
            sms=True,
            channels=notice.channels,
            sms_to="" if account else citizen.phone,
            template=notice.template,
            params={**facts, "url": link},
        )


@subscribe(ALL)
def tell(event: DomainEvent) -> None:
    """Queue every registered table's notices for this event, in one INSERT (inside the change's
    transaction)."""
    rows: list[OutboxMessage] = []
    tables = list(tables_for(event.kind))
    for table, notices in tables:
        rows += rows_for(table, notices, event)
    rows += robot_rows(tables, event, language=town_language())  # each group's robot, once (robots.py)
    if rows:
        queue(rows)


def table_errors() -> list[str]:
    """What is wrong with the registered tables: an audience a notice names that its table cannot resolve,
    a channel nobody registered. Run as a system check at start-up, so a typo never silently tells nobody."""
    registered = {c.name for _label, c in everywhere("channels")}
    errors = []
    for label, table in everywhere("notices"):
        for kind, notices in table.notices.items():
            for notice in notices:
                for name in notice.to:
                    known = table.citizens is not None if name == CITIZEN else name in table.audiences
                    if not known:
                        errors.append(
                            f"{label}: {kind!s} names audience {name!r}, which its table cannot resolve"
                        )
                errors += [
                    f"{label}: {kind!s} names channel {ch!r}, which no app registered"
                    for ch in notice.channels
                    if ch not in registered
                ]
    return errors
