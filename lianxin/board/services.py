"""Writes of the public board: draft a redacted copy, edit it, publish or withdraw it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.demands.models import Demand
from lianxin.demands.states import PUBLISHABLE

from .models import Publication
from .redaction import redact


def _private_names(demand: Demand) -> list[str]:
    names = [demand.requester_name]
    for user in (demand.requester, demand.recorded_by):
        if user is not None and not getattr(user, "deputy", None):
            names += [user.get_full_name(), user.display_name]
    observer = getattr(demand.recorded_by, "observer", None) if demand.recorded_by_id else None
    agent = getattr(demand.recorded_by, "agent", None) if demand.recorded_by_id else None
    names += [o.name for o in (observer, agent) if o is not None]
    return [n for n in names if n]


def publication_draft(demand: Demand) -> dict[str, str]:
    """The automatic first pass: the demand's words with personal data taken out."""
    names = _private_names(demand)
    assignment = getattr(demand, "assignment", None)
    return {
        "title": redact(demand.title, names=names)[:80],
        "text": redact(demand.description, names=names),
        "result": redact(assignment.result if assignment else "", names=names),
    }


@transaction.atomic
def publication_save(
    *, demand: Demand, actor: Any, title: str, text: str, result: str = "", published: bool
) -> Publication:
    """Store the presidium's redacted text; publishing needs a completed or in-progress demand.

    The text is redacted once more on save, so a number typed back in by mistake never reaches the board.
    """
    if not (actor.can(Capability.SUPERVISE) and actor.town_id == demand.town_id):
        raise PermissionDenied(_("Your role does not allow this."))
    errors = {}
    if not title.strip():
        errors["title"] = _("Write a short public summary.")
    if not text.strip():
        errors["text"] = _("Write the public text.")
    if published and demand.status not in PUBLISHABLE:
        errors["__all__"] = _("Only demands being handled or completed can be published.")
    if errors:
        raise ValidationError(errors)
    names = _private_names(demand)
    now = clock.now()
    existing = Publication.objects.select_for_update().filter(demand=demand).first()
    published_at = None
    if published:
        published_at = existing.published_at if existing and existing.published else now
    pub, _created = Publication.objects.update_or_create(
        demand=demand,
        defaults={
            "town_id": demand.town_id,
            "title": redact(title, names=names)[:80],
            "text": redact(text, names=names),
            "result": redact(result, names=names),
            "published": published,
            "published_at": published_at,
            "edited_by": actor,
            "edited_at": now,
            "recorded_at": demand.created_at,
        },
    )
    return pub
