"""Who wants which kind of notice on which channel, and what the presidium keeps on for everyone.

A kind is a notice table's line for the staff, by its stable key (``NoticeTable.kind_key``: "demands.assign").
Its default channels are in-app plus those its notice names; a person may switch any of them off and add
others (``NoticePreference`` rows). A kind the town's presidium locked (``LockedKind``) stays on, on its
default channels, whatever a person chose; the settings page shows it checked and disabled and the server
refuses turning it off. The daily digest is one more kind (``DIGEST``), in-app by default.

Only people's channels are offered: a channel that reaches no person (the API's webhooks) says so with
``for_people = False``. Citizens' texts never pass through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists
from django.utils.translation import gettext as _

from lianxin.core.kit import everywhere
from lianxin.core.notices import CITIZEN

from .models import LockedKind, NoticePreference, OutboxMessage

INAPP = "inapp"
DIGEST = "notify.digest"
# The accounts that are not staff: citizens and the API keys' system account. notify sits under accounts, so it
# names those two roles by the values the accounts app stores for them.
NOT_STAFF = ("citizen", "system")


def is_staff_person(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "citizen") not in NOT_STAFF
    )


class _Dots(dict[str, str]):
    """Fills every ``%(name)s`` of a subject with an ellipsis: a kind's label is its subject, unfilled."""

    def __missing__(self, key: str) -> str:
        return "…"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    group: str  # the table's name ("demands"), for the settings page's headings
    defaults: tuple[str, ...]  # the channels on unless switched off (in-app always)
    action: bool = False


def kinds() -> list[Kind]:
    """Every kind of notice that reaches staff, in table order, labelled in the active language; the
    digest last."""
    found: dict[str, Kind] = {}
    for _label, table in everywhere("notices"):
        for event_kind, notices in table.notices.items():
            for notice in notices:
                if all(name == CITIZEN for name in notice.to):
                    continue
                key = table.kind_key(event_kind, notice)
                defaults = (INAPP, *notice.channels)
                if key in found:  # two lines of one kind (for different people): the channels of both
                    old = found[key]
                    merged = tuple(dict.fromkeys((*old.defaults, *defaults)))
                    found[key] = Kind(key, old.label, old.group, merged, old.action or notice.action)
                else:
                    label = str(notice.subject) % _Dots()
                    found[key] = Kind(key, label, table.name, defaults, notice.action)
    found[DIGEST] = Kind(DIGEST, _("Daily digest of what waits for me"), "notify", (INAPP,))
    return list(found.values())


def kind_of(key: str) -> Kind | None:
    return next((k for k in kinds() if k.key == key), None)


def person_channels() -> list[str]:
    """The registered channels that reach a person, in registration order (in-app, SMS, e-mail, and any
    other app's: the group robots when they are registered)."""
    names = [c.name for _label, c in everywhere("channels") if getattr(c, "for_people", True)]
    return list(dict.fromkeys(names))


def locked_kinds(town_id: int | None) -> set[str]:
    if town_id is None:
        return set()
    return set(LockedKind.objects.filter(town_id=town_id).values_list("kind", flat=True))


@dataclass
class Switches:
    """The choices of some people for one kind, read in one query, and whether the town locked it."""

    key: str
    defaults: tuple[str, ...]
    locked: bool
    chosen: dict[tuple[int, str], bool]

    @classmethod
    def load(
        cls, *, key: str, defaults: Iterable[str], town_id: int | None, user_ids: Iterable[int]
    ) -> Switches:
        """One query: these people's rows for the kind, each with whether the town locked it. Nobody's
        row, nothing to honour: the lock only ever overrules a choice."""
        ids = [i for i in user_ids if i is not None]
        locks = LockedKind.objects.filter(kind=key)
        locks = locks.filter(town_id=town_id) if town_id is not None else locks.none()
        rows = (
            NoticePreference.objects.filter(kind=key, user_id__in=ids)
            .annotate(locked=Exists(locks))
            .values_list("user_id", "channel", "enabled", "locked")
            if ids
            else []
        )
        chosen, locked = {}, False
        for uid, ch, on, lock in rows:
            chosen[uid, ch] = on
            locked = locked or bool(lock)
        return cls(key, tuple(defaults), locked, chosen)

    def wants(self, user_id: int, channel: str) -> bool:
        default = channel in self.defaults
        if default and self.locked:
            return True
        return self.chosen.get((user_id, channel), default)

    def extra_channels(self) -> list[str]:
        """Channels somebody added to this kind beyond its defaults."""
        return sorted({ch for (_uid, ch), on in self.chosen.items() if on and ch not in self.defaults})


def honour(rows: list[OutboxMessage], switches: Switches) -> list[OutboxMessage]:
    """The rows left once each person's choices are applied: a person who switched a channel off is taken
    out of its rows (out of a group's in-app row, or their own row dropped)."""
    kept = []
    for row in rows:
        ids = [uid for uid in row.recipient_ids if switches.wants(uid, row.channel)]
        if not ids:
            continue
        if ids != row.recipient_ids:
            row.user_id, row.group = ids[0], ids[1:]
        kept.append(row)
    return kept


def choices_of(user: Any) -> tuple[list[Kind], list[str], dict[tuple[str, str], bool], set[str]]:
    """What the settings page shows a person: the kinds, the channels, whether each pair is on, the locked
    kinds."""
    all_kinds, channels = kinds(), person_channels()
    locked = locked_kinds(getattr(user, "town_id", None))
    chosen = {
        (k, ch): on
        for k, ch, on in NoticePreference.objects.filter(user=user).values_list("kind", "channel", "enabled")
    }
    state = {}
    for kind in all_kinds:
        for ch in channels:
            default = ch in kind.defaults
            state[kind.key, ch] = (
                True if default and kind.key in locked else chosen.get((kind.key, ch), default)
            )
    return all_kinds, channels, state, locked
