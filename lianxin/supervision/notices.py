"""Who is told of what in supervision: the citizens behind a suggestion hear the higher level's reply and its
handling; the supervising deputies hear that a project is completed and awaits their satisfaction.

Queued in the outbox inside the change's transaction (``notify``), so they exist if and only if the change
does. The citizen is told in the app when they have an account, else by SMS to the phone they gave.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lianxin.core.events import DomainEvent, subscribe
from lianxin.notify.services import in_town_language, notify

from .events import ProjectKind, SuggestionKind
from .models import Suggestion


def _tell_citizens(suggestion: Suggestion, subject: str, body: str) -> None:
    for link in suggestion.links.select_related("demand__requester"):
        demand = link.demand
        users = [demand.requester] if demand.requester_id else []
        notify(
            town_id=suggestion.town_id,
            users=users,
            subject=subject % {"code": demand.code},
            body=body,
            url=reverse("demands:detail", args=[demand.code]),
            sms=True,
            sms_to="" if users else demand.requester_phone,
        )


@subscribe(SuggestionKind.REPLY)
@in_town_language
def tell_reply(event: DomainEvent) -> None:
    suggestion = event.subject
    _tell_citizens(
        suggestion,
        _("Your demand %(code)s: the higher level replied to the deputy's suggestion"),
        f"{suggestion.reply_from}: {suggestion.reply}"[:300],
    )


@subscribe(SuggestionKind.HANDLE)
@in_town_language
def tell_handling(event: DomainEvent) -> None:
    suggestion = event.subject
    _tell_citizens(
        suggestion,
        _("Your demand %(code)s: how the higher level handled the deputy's suggestion"),
        suggestion.handling[:300],
    )


@subscribe(ProjectKind.COMPLETE)
@in_town_language
def ask_supervisors(event: DomainEvent) -> None:
    project = event.subject
    users = [d.user for d in project.supervisors.select_related("user") if d.user_id]
    notify(
        town_id=project.town_id,
        users=users,
        subject=_("Project completed, give your satisfaction: %(title)s") % {"title": project.title},
        body=project.result[:300],
        url=reverse("supervision:project", args=[project.pk]),
    )
