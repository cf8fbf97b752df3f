"""Inquiry sessions (问政) and departments in the station (机关进站): questions, answers, commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import Station

from ..events import (
    InquiryKind,
)
from ..models import (
    InquirySession,
    Question,
    SessionKind,
)
from ..permissions import deputy_of
from ._common import _require, others

IK = InquiryKind
COMMITMENT_ORIGIN = "inquiry"


def _inquiries() -> Workflow:
    return workflow_of(InquirySession)


def _present(actor: Any, session: InquirySession) -> dict[str, Any]:
    return {"deputies": others(actor, session.deputies.all())}


@transaction.atomic
def inquiry_plan(
    *,
    town: Town,
    actor: Any,
    kind: str,
    title: str,
    planned_on: dt.date,
    departments: Iterable[Department],
    station: Station | None = None,
) -> InquirySession:
    """Plan a session at a station with the departments (and 一府一委两院) that will come."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    chosen = list(departments)
    errors = {}
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose the kind of session.")
    if not title.strip():
        errors["title"] = _("Give the session a title.")
    if not chosen or any(d.town_id != town.pk for d in chosen):
        errors["departments"] = _("Choose the departments of this town that come.")
    if station is not None and station.town_id != town.pk:
        errors["station"] = _("Choose a station of this town.")
    _require(errors)
    session = InquirySession.objects.create(
        town=town, kind=kind, title=title.strip(), planned_on=planned_on, station=station
    )
    session.departments.set(chosen)
    _inquiries().step(session, IK.PLAN, actor, note=session.get_kind_display())
    return session


@transaction.atomic
def inquiry_ask(
    *, session: InquirySession, actor: Any, text: str, department: Department, demand: Demand | None = None
) -> Question:
    """A question gathered for the session, from a deputy or from a demand, addressed to a department."""
    flow = _inquiries()
    flow.check(actor, IK.ASK, session)
    errors = {}
    if not text.strip():
        errors["text"] = _("Write the question.")
    if not session.departments.filter(pk=department.pk).exists():
        errors["department"] = _("Ask one of the departments that come to this session.")
    if demand is not None and demand.town_id != session.town_id:
        errors["demand"] = _("That demand is not of this town.")
    _require(errors)
    deputy = deputy_of(actor)
    question = Question.objects.create(
        town_id=session.town_id,
        session=session,
        text=text.strip(),
        department=department,
        asked_by=deputy,
        demand=demand,
    )
    flow.transition(
        session, IK.ASK, actor, checked=True, to=session.status, note=question.text, data={"deputies": []}
    )
    return question


@transaction.atomic
def inquiry_hold(
    *, session: InquirySession, actor: Any, held_on: dt.date, deputies: Iterable[Deputy], summary: str
) -> InquirySession:
    """The session took place: when, which deputies were there, what happened."""
    flow = _inquiries()
    flow.check(actor, IK.HOLD, session)
    present = list(deputies)
    errors = {}
    if not present or any(d.town_id != session.town_id for d in present):
        errors["deputies"] = _("Choose the deputies of this town who took part.")
    if not summary.strip():
        errors["summary"] = _("Say what happened.")
    _require(errors)
    session.deputies.set(present)
    return flow.transition(
        session,
        IK.HOLD,
        actor,
        checked=True,
        note=summary.strip(),
        data=_present(actor, session),
        held_on=held_on,
        summary=summary.strip(),
    )


@transaction.atomic
def inquiry_answer(
    *,
    session: InquirySession,
    actor: Any,
    question: Question,
    answer: str,
    commitment: str = "",
    due_at: dt.datetime | None = None,
) -> Question:
    """The department's answer; a commitment made in it becomes a tracked item with a deadline, owned by
    the department and supervised by the deputy who asked, under the supervision lights."""
    from lianxin.tracking.services import tracked_item_open

    flow = _inquiries()
    flow.check(actor, IK.ANSWER, session)
    errors = {}
    if question.session_id != session.pk:
        errors["question"] = _("That question is not of this session.")
    elif question.answered_at is not None:
        errors["question"] = _("That question is already answered.")
    if not answer.strip():
        errors["answer"] = _("Write down the answer.")
    if commitment.strip() and due_at is None:
        errors["due_at"] = _("A commitment needs a deadline.")
    _require(errors)
    Question.objects.filter(pk=question.pk).update(answer=answer.strip(), answered_at=clock.now())
    question.refresh_from_db()
    item = None
    if commitment.strip():
        assert due_at is not None
        item = tracked_item_open(
            town=session.town,
            origin=COMMITMENT_ORIGIN,
            source=question,
            title=commitment.strip(),
            details=f"{session.title}: {question.text}",
            department=question.department,
            supervisor=question.asked_by,
            due_at=due_at,
            actor=actor,
        )
    flow.transition(
        session,
        IK.ANSWER,
        actor,
        checked=True,
        to=session.status,
        note=f"{question.department}: {answer.strip()}",
        data={**_present(actor, session), "question": question.pk, "tracked_item": getattr(item, "pk", None)},
    )
    return question


@transaction.atomic
def inquiry_record_figures(
    *,
    session: InquirySession,
    actor: Any,
    households: int = 0,
    certificates: int = 0,
    employers: int = 0,
    vacancies: int = 0,
    attendees: int = 0,
) -> InquirySession:
    """What the session did, in figures: households served and certificates issued on an office day,
    employers and vacancies at a job fair, people attending."""
    flow = _inquiries()
    flow.check(actor, IK.RECORD_FIGURES, session)
    figures = {
        "households": households,
        "certificates": certificates,
        "employers": employers,
        "vacancies": vacancies,
        "attendees": attendees,
    }
    if any(v < 0 for v in figures.values()):
        raise ValidationError(_("Figures cannot be negative."))
    labels = {f.name: f.verbose_name for f in InquirySession._meta.fields}
    note = ", ".join(f"{labels[k]} {v}" for k, v in figures.items() if v)
    return flow.transition(
        session, IK.RECORD_FIGURES, actor, checked=True, to=session.status, note=note, data=figures, **figures
    )


@transaction.atomic
def inquiry_close(*, session: InquirySession, actor: Any, note: str = "") -> InquirySession:
    flow = _inquiries()
    flow.check(actor, IK.CLOSE, session)
    waiting = session.questions.filter(answered_at__isnull=True).count()
    if waiting:
        raise ValidationError(_("%(n)d questions still wait for an answer.") % {"n": waiting})
    return flow.transition(
        session, IK.CLOSE, actor, checked=True, note=note.strip(), data=_present(actor, session)
    )
