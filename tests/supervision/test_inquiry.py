"""Inquiry sessions (问政, 机关进站): each move and its refused roles; a commitment becomes a tracked item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lianxin.core.workflow import TransitionError
from lianxin.supervision import services
from lianxin.supervision.models import InquirySession
from lianxin.supervision.workflow import INQUIRIES
from lianxin.tracking.models import TrackedItem

from .test_workflows import PERSONAS, _who

pytestmark = pytest.mark.django_db

LATER = timezone.now() + dt.timedelta(days=30)


def _call(action: str, sup: Any, session: InquirySession, actor: Any) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "ask": lambda: services.inquiry_ask(
            session=session, actor=actor, text="学校周边何时装红绿灯?", department=sup.loop.department
        ),
        "hold": lambda: services.inquiry_hold(
            session=session,
            actor=actor,
            held_on=dt.date(2026, 4, 10),
            deputies=[sup.loop.deputy.deputy],
            summary="问政会",
        ),
        "answer": lambda: services.inquiry_answer(
            session=session, actor=actor, question=session.questions.first(), answer="已安排"
        ),
        "record_figures": lambda: services.inquiry_record_figures(
            session=session, actor=actor, households=147, certificates=415
        ),
        "close": lambda: services.inquiry_close(session=session, actor=actor),
    }
    return calls[action]()


CASES: dict[str, tuple[str, str, set[str]]] = {
    "ask": ("planned", "planned", {"deputy", "other_deputy", "presidium"}),
    "hold": ("asked", "held", {"presidium"}),
    "answer": ("held", "held", {"staff", "presidium"}),
    "record_figures": ("held", "held", {"presidium"}),
    "close": ("answered", "closed", {"presidium"}),
}


def test_every_move_has_a_case():
    assert set(INQUIRIES.moves) == set(CASES)


@pytest.mark.parametrize("action", sorted(CASES))
def test_inquiry_move(sup, outsider, action):
    state, after, allowed = CASES[action]
    session = getattr(sup, state)()
    for persona in sorted(set(PERSONAS) - allowed):
        with pytest.raises(PermissionDenied):
            _call(action, sup, session, _who(sup, persona, outsider))
    for persona in sorted(allowed):
        session = getattr(sup, state)()
        _call(action, sup, session, _who(sup, persona, outsider))
        session.refresh_from_db()
        assert session.status == after, persona
        assert session.events.filter(action=action).exists()


@pytest.mark.parametrize("action", ["answer", "record_figures", "close"])
def test_nothing_is_answered_before_the_session_is_held(sup, loop, action):
    with pytest.raises(TransitionError):
        _call(action, sup, sup.asked(), loop.presidium)


def test_a_commitment_becomes_a_tracked_item_under_the_lights(sup, loop):
    session = sup.held()
    question = session.questions.get()
    services.inquiry_answer(
        session=session,
        actor=loop.staff,
        question=question,
        answer="今年完成改造",
        commitment="6月底前完成三个小区雨污分流",
        due_at=LATER,
    )
    item = TrackedItem.objects.get()
    assert (item.origin, item.source, item.department) == ("inquiry", question, loop.department)
    assert item.supervisor == loop.deputy.deputy  # the deputy who asked supervises it
    assert item.due_at == LATER and item.status == "open" and item.light == "green"
    # and the event names the other deputy present for the duty record
    event = session.events.get(action="answer")
    assert event.actor == loop.staff


def test_a_commitment_needs_a_deadline_and_the_page_keeps_the_input(sup, loop, client):
    session = sup.held()
    question = session.questions.get()
    with pytest.raises(ValidationError):
        services.inquiry_answer(
            session=session, actor=loop.staff, question=question, answer="好", commitment="改造"
        )
    client.force_login(loop.staff)
    response = client.post(
        f"/supervision/inquiries/{session.pk}/answer/",
        {"answer-question": question.pk, "answer-answer": "今年完成", "answer-commitment": "年底前完成"},
    )
    assert response.status_code == 400
    assert "年底前完成" in response.content.decode()
    assert TrackedItem.objects.count() == 0


def test_hold_names_the_other_deputies_present(sup, loop):
    from lianxin.core.events import subscribe, unsubscribe
    from lianxin.supervision.events import InquiryKind

    seen: list[Any] = []
    listener = subscribe(InquiryKind.HOLD)(seen.append)
    try:
        sup.held()
    finally:
        unsubscribe(listener)
    assert seen[0].data["deputies"] == sorted([loop.deputy.deputy.pk, loop.other_deputy.deputy.pk])


def test_figures_add_up_on_the_list(sup, loop, client):
    session = sup.held()
    services.inquiry_record_figures(session=session, actor=loop.presidium, households=147, certificates=415)
    client.force_login(loop.deputy)
    page = client.get("/supervision/inquiries/").content.decode()
    assert 'data-figure="households">147<' in page and 'data-figure="certificates">415<' in page
