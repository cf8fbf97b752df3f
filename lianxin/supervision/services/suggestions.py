"""Suggestions upward (代表建议): drafted from a transferred demand, submitted, replied, handled, evaluated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.demands.models import Demand

from ..events import (
    SuggestionKind,
)
from ..models import (
    UPWARD_LEVELS,
    Satisfaction,
    Suggestion,
    SuggestionDemand,
    SuggestionStatus,
)
from ..permissions import deputy_of
from ._common import _require, _suggestions, others


@transaction.atomic
def suggestion_draft_from(*, demand: Demand, actor: Any, to_level: str, note: str) -> Suggestion:
    """A demand transferred upward becomes the draft of a deputy's suggestion (or joins the open draft of
    the same deputy to the same level), so the transfer is no longer a dead end."""
    if to_level not in UPWARD_LEVELS:
        raise ValidationError({"to_level": _("Choose the county, city or provincial congress.")})
    existing = SuggestionDemand.objects.filter(demand=demand).select_related("suggestion").first()
    if existing is not None:
        return existing.suggestion
    deputy = deputy_of(actor) or (demand.deputy if demand.deputy_id else None)
    suggestion = Suggestion.objects.filter(
        town_id=demand.town_id, deputy=deputy, to_level=to_level, status=SuggestionStatus.DRAFT
    ).first()
    flow = _suggestions()
    if suggestion is None:
        suggestion = Suggestion.objects.create(
            town_id=demand.town_id, title=demand.title, body=note.strip(), to_level=to_level, deputy=deputy
        )
    SuggestionDemand.objects.create(town_id=demand.town_id, suggestion=suggestion, demand=demand)
    flow.step(
        suggestion,
        SuggestionKind.DRAFT,
        actor,
        note=f"{demand.code} {demand.title}",
        data={"deputies": others(actor, [deputy] if deputy else []), "demand": demand.pk},
    )
    return suggestion


def _involved(actor: Any, suggestion: Suggestion) -> dict[str, Any]:
    return {"deputies": others(actor, [suggestion.deputy] if suggestion.deputy_id else [])}


@transaction.atomic
def suggestion_submit(*, suggestion: Suggestion, actor: Any, title: str, body: str) -> Suggestion:
    flow = _suggestions()
    flow.check(actor, SuggestionKind.SUBMIT, suggestion)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the suggestion a title.")
    if not body.strip():
        errors["body"] = _("Write the suggestion.")
    _require(errors)
    return flow.transition(
        suggestion,
        SuggestionKind.SUBMIT,
        actor,
        checked=True,
        note=suggestion.get_to_level_display(),
        data=_involved(actor, suggestion),
        title=title.strip(),
        body=body.strip(),
        submitted_at=clock.now(),
    )


@transaction.atomic
def suggestion_reply(
    *, suggestion: Suggestion, actor: Any, reply_from: str, reply: str, reference: str = ""
) -> Suggestion:
    """The higher level's reply, as received: who answered and what; the citizens behind it are told."""
    flow = _suggestions()
    flow.check(actor, SuggestionKind.REPLY, suggestion)
    errors = {}
    if not reply_from.strip():
        errors["reply_from"] = _("Say who replied.")
    if not reply.strip():
        errors["reply"] = _("Write down the reply.")
    _require(errors)
    return flow.transition(
        suggestion,
        SuggestionKind.REPLY,
        actor,
        checked=True,
        note=f"{reply_from.strip()}: {reply.strip()}",
        data={**_involved(actor, suggestion), "reply": reply.strip()},
        reply_from=reply_from.strip(),
        reply=reply.strip(),
        reference=reference.strip(),
        replied_at=clock.now(),
    )


@transaction.atomic
def suggestion_handle(*, suggestion: Suggestion, actor: Any, handling: str) -> Suggestion:
    """What the higher level actually did about it; the citizens behind it are told."""
    flow = _suggestions()
    flow.check(actor, SuggestionKind.HANDLE, suggestion)
    if not handling.strip():
        raise ValidationError({"handling": _("Say how it was handled.")})
    return flow.transition(
        suggestion,
        SuggestionKind.HANDLE,
        actor,
        checked=True,
        note=handling.strip(),
        data={**_involved(actor, suggestion), "handling": handling.strip()},
        handling=handling.strip(),
    )


@transaction.atomic
def suggestion_evaluate(*, suggestion: Suggestion, actor: Any, verdict: str, comment: str = "") -> Suggestion:
    flow = _suggestions()
    flow.check(actor, SuggestionKind.EVALUATE, suggestion)
    if verdict not in Satisfaction.values:
        raise ValidationError({"verdict": _("Choose satisfied, basically satisfied or unsatisfied.")})
    return flow.transition(
        suggestion,
        SuggestionKind.EVALUATE,
        actor,
        checked=True,
        note=f"{Satisfaction(verdict).label} {comment.strip()}".strip(),
        data={**_involved(actor, suggestion), "verdict": verdict},
        verdict=verdict,
    )
