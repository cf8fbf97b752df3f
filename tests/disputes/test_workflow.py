"""Every move of a dispute and of a hearing: the allowed path, each role that must be refused, the wrong
state; read from the move tables so a new move fails here until it is listed."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from lianxin.core import events
from lianxin.core.workflow import TransitionError
from lianxin.disputes import services
from lianxin.disputes.events import Event, HearingEvent
from lianxin.disputes.models import Dispute, DisputeEvent, Hearing, Kind, Status
from lianxin.disputes.workflow import HEARINGS, MOVES, WORKFLOW

pytestmark = pytest.mark.django_db

# action → (status to start from, status after, personas allowed)
CASES: dict[str, tuple[str, str, set[str]]] = {
    "accept": (Status.REGISTERED, Status.ACCEPTED, {"mediator", "other_mediator", "presidium"}),
    "start": (Status.ACCEPTED, Status.MEDIATING, {"mediator", "presidium"}),
    "session": (Status.MEDIATING, Status.MEDIATING, {"mediator", "presidium"}),
    "agree": (Status.MEDIATING, Status.AGREED, {"mediator", "presidium"}),
    "fail": (Status.MEDIATING, Status.FAILED, {"mediator", "presidium"}),
    "refer": (Status.FAILED, Status.REFERRED, {"mediator", "presidium"}),
    "follow_up": (Status.AGREED, Status.FOLLOW_UP, {"mediator", "presidium"}),
    "close": (Status.FOLLOW_UP, Status.CLOSED, {"mediator", "presidium"}),
    "reassess": (Status.MEDIATING, Status.MEDIATING, {"mediator", "other_mediator", "presidium"}),
    "flag_petition": (Status.MEDIATING, Status.MEDIATING, {"mediator", "presidium"}),
    "clear_petition": (Status.MEDIATING, Status.MEDIATING, {"mediator", "presidium"}),
    "raise_demand": (Status.MEDIATING, Status.MEDIATING, {"mediator", "presidium"}),
}
PERSONAS = ["mediator", "other_mediator", "presidium", "deputy_user", "other_deputy_user", "citizen", "staff",
            "county", "outsider"]  # fmt: skip


def _start(ledger: Any, action: str) -> Dispute:
    status = CASES[action][0]
    dispute = ledger.at(status, threats=action == "clear_petition")
    return dispute


def test_every_move_of_the_table_is_covered():
    assert set(CASES) == set(MOVES)


def test_each_move_names_a_form_and_serializer_whose_fields_its_service_takes():
    for flow, subject in ((WORKFLOW, "dispute"), (HEARINGS, "hearing")):
        for action, move in flow.moves.items():
            params = set(inspect.signature(move.service).parameters)
            assert {subject, "actor"} <= params, action
            fields = set(move.form.base_fields) | set(move.serializer().fields)
            assert fields <= params, (action, fields - params)


def test_every_event_kind_is_labelled_in_both_languages():
    for flow, kinds in ((WORKFLOW, Event), (HEARINGS, HearingEvent)):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for kind in kinds:
                    for label in (str(flow.staff_label(kind)), str(flow.citizen_label(kind))):
                        assert label and "_" not in label, (language, kind, label)
                        assert language == "en" or not label.isascii(), (language, kind, label)


@pytest.mark.parametrize("action", sorted(CASES))
def test_the_allowed_make_the_move_and_write_its_event(ledger, action):
    _, after, allowed = CASES[action]
    for name in sorted(allowed):
        dispute = _start(ledger, action)
        ledger.do(action, dispute, getattr(ledger, name))
        dispute.refresh_from_db()
        assert dispute.status == after, (action, name)
        last = DisputeEvent.objects.filter(dispute=dispute).last()
        assert last is not None and last.action == action and last.actor == getattr(ledger, name)


@pytest.mark.parametrize("action", sorted(CASES))
def test_every_other_role_is_refused_and_nothing_is_written(ledger, action):
    _, _, allowed = CASES[action]
    dispute = _start(ledger, action)
    before = (dispute.status, DisputeEvent.objects.filter(dispute=dispute).count())
    for name in PERSONAS:
        if name in allowed:
            continue
        with pytest.raises(PermissionDenied):
            ledger.do(action, dispute, getattr(ledger, name))
        dispute.refresh_from_db()
        assert (dispute.status, DisputeEvent.objects.filter(dispute=dispute).count()) == before, (
            action,
            name,
        )


@pytest.mark.parametrize("action", sorted(CASES))
def test_a_move_from_a_wrong_state_is_a_conflict(ledger, action):
    start, _, _ = CASES[action]
    wrong = Status.CLOSED if start != Status.CLOSED else Status.REGISTERED
    dispute = ledger.at(wrong)
    with pytest.raises(TransitionError):
        ledger.do(action, dispute, ledger.presidium)


def test_the_walk_from_registration_to_closing_writes_one_event_per_step(ledger):
    dispute = ledger.at(Status.CLOSED)
    assert list(dispute.events.values_list("action", flat=True)) == [
        "register", "accept", "start", "agree", "follow_up", "close"
    ]  # fmt: skip
    assert dispute.closed_at is not None and dispute.resolved_at is not None
    assert dispute.agreement.followed_up_at is not None


def test_failed_mediation_is_referred_then_followed_up_and_closed(ledger):
    dispute = ledger.at(Status.REFERRED)
    assert dispute.referred_to == "court"
    ledger.do("follow_up", dispute, ledger.mediator)
    ledger.do("close", dispute, ledger.mediator)
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED


def test_agreement_needs_every_party_and_terms(ledger):
    dispute = ledger.at(Status.MEDIATING)
    first = dispute.parties.first()
    with pytest.raises(ValidationError) as refused:
        services.dispute_agree(
            dispute=dispute, actor=ledger.mediator, terms="", follow_up_due=dispute.created_at.date(),
            accepted=[first],
        )  # fmt: skip
    assert {"terms", "accepted"} <= set(refused.value.error_dict)
    dispute.refresh_from_db()
    assert dispute.status == Status.MEDIATING


def test_a_flagged_petition_risk_must_be_removed_before_closing(ledger):
    dispute = ledger.at(Status.FOLLOW_UP, repeat_contacts=5)
    assert dispute.petition_risk
    with pytest.raises(ValidationError):
        ledger.do("close", dispute, ledger.mediator)
    ledger.do("clear_petition", dispute, ledger.mediator)
    ledger.do("close", dispute, ledger.mediator)
    dispute.refresh_from_db()
    assert dispute.status == Status.CLOSED and not dispute.petition_risk


def test_a_session_with_a_deputy_on_the_supervision_seat_names_them_for_the_duty_record(ledger):
    heard: list[events.DomainEvent] = []

    @events.subscribe(Event.SESSION)
    def listen(event: events.DomainEvent) -> None:
        heard.append(event)

    try:
        dispute = ledger.at(Status.MEDIATING)
        session = ledger.do("session", dispute, ledger.mediator)
        # The deputy recording their own session is the actor: not listed again.
        services.session_record(
            dispute=dispute, actor=ledger.presidium, held_at=session.held_at, place="调解室", minutes="续谈",
            outcome="continue",
        )  # fmt: skip
    finally:
        events.unsubscribe(listen)
    assert [e.data["deputies"] for e in heard] == [[ledger.deputy.pk], []]
    assert session.supervisor == ledger.deputy and session.supervisor_remarks == "依法依规调解"
    assert ledger.mediator in session.mediators.all()


HEARING_CASES = {"hold": Hearing.Status.HELD, "dismiss": Hearing.Status.DISMISSED}


def _hearing(ledger: Any) -> Hearing:
    dispute = ledger.registered(kind=Kind.LAND, amount=200000, threats=True)
    return Hearing.objects.get(dispute=dispute)


def _hold_or_dismiss(action: str, hearing: Hearing, actor: Any, ledger: Any) -> Any:
    if action == "hold":
        return services.hearing_hold(
            hearing=hearing, actor=actor, held_at=hearing.proposed_at, place="镇矛调中心", participants="双方、村委",
            positions="各自陈述", conclusion="重新勘界", deputies=[ledger.deputy],
        )  # fmt: skip
    return services.hearing_dismiss(hearing=hearing, actor=actor, reason="已调解成功")


def test_every_hearing_move_is_covered():
    assert set(HEARING_CASES) | {"add_task"} == set(HEARINGS.moves)


def test_a_held_hearing_creates_follow_up_tasks_tracked_with_owner_deadline_and_light(ledger, client):
    from lianxin.tracking.models import TrackedItem

    from ..factories import DepartmentFactory

    department = DepartmentFactory(town=ledger.town, name="自然资源所")
    hearing = _hearing(ledger)
    due = hearing.proposed_at + dt.timedelta(days=20)

    def add(actor: Any) -> Any:
        return services.hearing_add_task(
            hearing=hearing, actor=actor, title="重新勘测宅基地边界", due_at=due, department=department,
            supervisor=ledger.deputy,
        )  # fmt: skip

    with pytest.raises(TransitionError):  # not before the hearing is held
        add(ledger.presidium)
    _hold_or_dismiss("hold", hearing, ledger.presidium, ledger)
    hearing.refresh_from_db()
    for name in PERSONAS:
        if name != "presidium":
            with pytest.raises(PermissionDenied):
                add(getattr(ledger, name))
    item = add(ledger.presidium)
    assert isinstance(item, TrackedItem) and item.source == hearing and item.origin == "hearing"
    assert (item.department, item.due_at, item.light, item.supervisor) == (
        department,
        due,
        "green",
        ledger.deputy,
    )
    assert hearing.events.last().action == "add_task"
    client.force_login(ledger.presidium)
    assert "重新勘测宅基地边界" in client.get(f"/disputes/hearings/{hearing.pk}/").content.decode()


@pytest.mark.parametrize("action", sorted(HEARING_CASES))
def test_hearing_moves_belong_to_the_presidium(ledger, action):
    hearing = _hearing(ledger)
    for name in PERSONAS:
        if name == "presidium":
            continue
        with pytest.raises(PermissionDenied):
            _hold_or_dismiss(action, hearing, getattr(ledger, name), ledger)
    _hold_or_dismiss(action, hearing, ledger.presidium, ledger)
    hearing.refresh_from_db()
    assert hearing.status == HEARING_CASES[action]
    with pytest.raises(TransitionError):
        _hold_or_dismiss(action, hearing, ledger.presidium, ledger)


def test_a_held_hearing_names_its_deputies_for_the_duty_record(ledger):
    heard: list[events.DomainEvent] = []

    @events.subscribe(HearingEvent.HOLD)
    def listen(event: events.DomainEvent) -> None:
        heard.append(event)

    try:
        _hold_or_dismiss("hold", _hearing(ledger), ledger.presidium, ledger)
    finally:
        events.unsubscribe(listen)
    assert heard[0].data["deputies"] == [ledger.deputy.pk]
