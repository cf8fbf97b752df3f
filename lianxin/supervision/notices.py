"""Who is told of what in supervision, as a notice table (notify's engine reads it): the citizens behind a
suggestion hear the higher level's reply and its handling, each linked to their own demand's page (never the
staff page); the supervising deputies hear that a project is completed and awaits their satisfaction.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.core.events import DomainEvent
from lianxin.core.notices import CITIZEN, Citizen, Notice, NoticeTable

from .events import ProjectKind, SuggestionKind

SUPERVISORS = "supervisors"  # the deputies supervising a project


def _citizens(event: DomainEvent) -> list[Citizen]:
    """The requester of each demand behind the suggestion, following their own demand."""
    found = []
    for link in event.subject.links.select_related("demand__requester", "demand__town"):
        demand = link.demand
        user = demand.requester if demand.requester_id else None
        found.append(Citizen(user, demand.requester_phone, demand, facts={"code": demand.code}))
    return found


def _reply(event: DomainEvent) -> str:
    suggestion = event.subject
    return f"{suggestion.reply_from}: {suggestion.reply}"[:300]


def _handling(event: DomainEvent) -> str:
    return str(event.subject.handling[:300])


def _result(event: DomainEvent) -> str:
    return str(event.subject.result[:300])


def _supervisors(event: DomainEvent) -> list[Any]:
    return [d.user for d in event.subject.supervisors.select_related("user") if d.user_id]


def _link(event: DomainEvent) -> str:
    if isinstance(event.kind, ProjectKind):
        return reverse("supervision:project", args=[event.subject.pk])
    return ""  # the citizens' notices carry each one's own page


def _facts(event: DomainEvent) -> dict[str, Any]:
    return {"title": getattr(event.subject, "title", "")}


NOTICES: dict[Any, tuple[Notice, ...]] = {
    SuggestionKind.REPLY: (
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s: the higher level replied to the deputy's suggestion"),
            _reply,
        ),
    ),
    SuggestionKind.HANDLE: (
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s: how the higher level handled the deputy's suggestion"),
            _handling,
        ),
    ),
    ProjectKind.COMPLETE: (
        Notice(
            (SUPERVISORS,), _("Project completed, give your satisfaction: %(title)s"), _result, action=True
        ),
    ),
}

# Nobody was left out as the actor here before the engine: a supervisor who completes a project is asked too.
TABLE = NoticeTable(
    name="supervision",
    notices=NOTICES,
    audiences={SUPERVISORS: _supervisors},
    facts=_facts,
    link=_link,
    citizens=_citizens,
    skip_actor=False,
)
