"""Every move of the loop: the allowed path, each role that must be refused, and the wrong state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianxin.accounts.roles import Role
from lianxin.demands import services
from lianxin.demands.models import Demand, DemandEvent, Evaluation, ExtensionStatus
from lianxin.demands.workflow import MOVES, Status
from lianxin.notify.models import OutboxMessage
from lianxin.territory.models import GridCell

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(days=30)


def _do(action: str, loop: Any, demand: Demand, actor: Any) -> Any:
    """Perform ``action`` on ``demand`` as ``actor`` with valid input."""
    calls: dict[str, Callable[[], Any]] = {
        "claim": lambda: services.demand_claim(demand=demand, actor=actor),
        "assign": lambda: services.demand_assign(
            demand=demand, actor=actor, department=loop.department, matter="清理", standard="干净"
        ),
        "bounce": lambda: services.demand_bounce(demand=demand, actor=actor, reason="不属本部门职责"),
        "accept": lambda: services.demand_accept(demand=demand, actor=actor),
        "complete": lambda: services.demand_complete(
            demand=demand, actor=actor, result="已办", outcome="resolved"
        ),
        "evaluate": lambda: services.demand_evaluate(demand=demand, actor=actor, verdict="satisfied"),
        "check": lambda: services.demand_check(demand=demand, actor=actor, passed=True),
        "return": lambda: services.demand_return(demand=demand, actor=actor, reason="未整改到位"),
        "close": lambda: services.demand_close(demand=demand, actor=actor),
        "merge": lambda: services.demand_merge(
            demand=demand, actor=actor, into=loop.recorded(title="同一问题")
        ),
        "decline": lambda: services.demand_decline(
            demand=demand, actor=actor, reason="属于司法程序,请通过诉讼解决"
        ),
        "transfer": lambda: services.demand_transfer(
            demand=demand, actor=actor, to_level="county", note="建议县级统筹"
        ),
        "request_extension": lambda: services.extension_request(
            demand=demand, actor=actor, due_at=demand.assignment.due_at + LATER, reason="需要招标"
        ),
        "remind": lambda: services.assignment_remind(demand=demand, actor=actor, note="请加快"),
        "note": lambda: services.demand_note(demand=demand, actor=actor, note="先与村委沟通"),
        "progress": lambda: services.demand_progress(demand=demand, actor=actor, reply="已勘察，下周施工"),
        "relocate": lambda: services.demand_relocate(
            demand=demand,
            actor=actor,
            cell=GridCell.objects.filter(town=loop.town).exclude(pk=demand.cell_id).first(),
            reason="定位有误，实为东关村",
        ),
        "appoint": lambda: services.demand_appoint(
            demand=demand, actor=actor, deputy=loop.other_deputy.deputy, reason="原代表外出"
        ),
        "reassign": lambda: services.demand_reassign(
            demand=demand,
            actor=actor,
            department=loop.other_staff.department_staff.department,
            reason="属另一部门职责",
        ),
        "extend": lambda: services.demand_extend(
            demand=demand, actor=actor, due_at=demand.assignment.due_at + LATER, reason="需协调多方"
        ),
    }
    return calls[action]()


# action → (state to start from, expected status after, personas allowed)
CASES: dict[str, tuple[str, str | None, set[str]]] = {
    "claim": ("recorded", Status.CLAIMED, {"deputy"}),
    "assign": ("claimed", Status.ASSIGNED, {"deputy", "presidium"}),
    "bounce": ("assigned", Status.CLAIMED, {"staff"}),
    "accept": ("assigned", Status.ACCEPTED, {"staff"}),
    "complete": ("accepted", Status.COMPLETED, {"staff"}),
    "evaluate": ("completed", Status.EVALUATED, {"citizen", "presidium"}),
    "check": ("completed", Status.EVALUATED, {"deputy"}),
    "return": ("evaluated", Status.RETURNED, {"deputy", "presidium"}),
    "close": ("evaluated", Status.CLOSED, {"presidium"}),
    "merge": ("recorded", Status.MERGED, {"deputy", "presidium"}),
    "decline": ("claimed", Status.DECLINED, {"deputy", "presidium"}),
    "transfer": ("claimed", Status.TRANSFERRED, {"deputy", "presidium"}),
    "request_extension": ("accepted", None, {"staff"}),
    "remind": ("accepted", None, {"deputy", "presidium"}),
    "note": ("accepted", None, {"deputy", "presidium", "staff"}),
    "progress": ("accepted", None, {"staff"}),
    "relocate": ("claimed", None, {"presidium"}),
    "appoint": ("claimed", None, {"presidium"}),
    "reassign": ("accepted", Status.ASSIGNED, {"presidium"}),
    "extend": ("accepted", None, {"presidium"}),
}
PERSONAS = [
    "citizen",
    "deputy",
    "other_deputy",
    "staff",
    "other_staff",
    "presidium",
    "outsider",
    "observer",
    "county",
]


def persona(loop: Any, name: str, outsider: Any) -> Any:
    if name == "outsider":
        return outsider
    if name == "observer":
        return UserFactory(role=Role.OBSERVER, town=loop.town)
    if name == "county":
        return UserFactory(role=Role.COUNTY_VIEWER, town=None, county=loop.town.county)
    return getattr(loop, name)


def test_every_move_in_the_table_is_tested():
    assert set(CASES) | {"decide_extension"} == set(MOVES)


@pytest.mark.parametrize("action", list(CASES))
def test_allowed_path_writes_an_event(loop, action, django_capture_on_commit_callbacks):
    state, after, allowed = CASES[action]
    demand = getattr(loop, state)()
    before = demand.status
    actor = getattr(loop, sorted(allowed)[0])
    events = DemandEvent.objects.filter(demand=demand).count()
    with django_capture_on_commit_callbacks(execute=True):
        _do(action, loop, demand, actor)
    demand.refresh_from_db()
    assert demand.status == (after or before)
    last = DemandEvent.objects.filter(demand=demand).last()
    assert DemandEvent.objects.filter(demand=demand).count() == events + 1
    assert (last.action, last.from_status, last.to_status, last.actor) == (
        action,
        before,
        demand.status,
        actor,
    )


@pytest.mark.parametrize(
    ("action", "who"), [(a, w) for a, case in CASES.items() for w in PERSONAS if w not in case[2]]
)
def test_each_other_role_is_refused_and_nothing_changes(loop, outsider, action, who):
    state = CASES[action][0]
    demand = getattr(loop, state)()
    events = DemandEvent.objects.filter(demand=demand).count()
    with pytest.raises(PermissionDenied):
        _do(action, loop, demand, persona(loop, who, outsider))
    demand.refresh_from_db()
    assert demand.status == state
    assert DemandEvent.objects.filter(demand=demand).count() == events


# action → (a state the move is not allowed from, a persona who may make the move when it is allowed)
WRONG_STATE = {
    "claim": ("claimed", "deputy"),
    "assign": ("recorded", "presidium"),
    "bounce": ("accepted", "staff"),
    "accept": ("accepted", "staff"),
    "complete": ("assigned", "staff"),
    "evaluate": ("accepted", "citizen"),
    "check": ("accepted", "deputy"),
    "return": ("accepted", "presidium"),
    "close": ("completed", "presidium"),
    "merge": ("assigned", "presidium"),
    "decline": ("completed", "presidium"),
    "transfer": ("closed", "presidium"),
    "request_extension": ("completed", "staff"),
    "remind": ("completed", "presidium"),
    "note": ("closed", "presidium"),
    "progress": ("completed", "staff"),
    "relocate": ("closed", "presidium"),
    "appoint": ("closed", "presidium"),
    "reassign": ("claimed", "presidium"),
    "extend": ("completed", "presidium"),
}


@pytest.mark.parametrize("action", list(CASES))
def test_wrong_state_is_refused(loop, action):
    state, who = WRONG_STATE[action]
    demand = getattr(loop, state)()
    events = DemandEvent.objects.filter(demand=demand).count()
    with pytest.raises(services.TransitionError):
        _do(action, loop, demand, getattr(loop, who))
    demand.refresh_from_db()
    assert demand.status == state
    assert DemandEvent.objects.filter(demand=demand).count() == events


def test_a_role_that_may_not_act_learns_nothing_of_the_state_or_input(loop):
    demand = loop.accepted()
    with pytest.raises(PermissionDenied):  # not TransitionError, not a field error
        services.demand_decline(demand=demand, actor=loop.citizen, reason="")


def test_merge_only_into_an_open_demand(loop):
    closed = loop.closed()
    with pytest.raises(ValidationError):
        services.demand_merge(demand=loop.recorded(), actor=loop.deputy, into=closed)


def test_unsatisfied_citizen_sends_it_back_under_supervision_and_it_can_finish(loop):
    demand = loop.returned()
    assert demand.status == Status.RETURNED
    assert demand.assignment.returns == 1
    assert demand.assignment.reminders.filter(level="manual").exists()
    assert Evaluation.objects.get(demand=demand).verdict == "unsatisfied"
    services.demand_complete(
        demand=demand, actor=loop.staff, result="再次疏通并加装排水管", outcome="resolved"
    )
    demand = services.demand_evaluate(
        demand=Demand.objects.get(pk=demand.pk), actor=loop.citizen, verdict="basically"
    )
    assert services.demand_close(demand=demand, actor=loop.presidium).status == Status.CLOSED


def test_unsatisfied_needs_a_reason(loop):
    with pytest.raises(ValidationError) as err:
        services.demand_evaluate(
            demand=loop.completed(), actor=loop.citizen, verdict="unsatisfied", comment=" "
        )
    assert "comment" in err.value.message_dict


def test_resolved_and_explained_are_counted_apart(loop):
    a = loop.completed()
    b = services.demand_complete(
        demand=loop.accepted(), actor=loop.staff, result="已解释政策", outcome="explained"
    )
    assert (a.outcome, b.outcome) == ("resolved", "explained")
    assert Demand.objects.filter(outcome="explained").count() == 1


def test_declined_reason_is_kept_for_the_citizen(loop):
    demand = services.demand_decline(
        demand=loop.recorded(), actor=loop.deputy, reason="属于民事纠纷,建议调解"
    )
    assert demand.closing_note == "属于民事纠纷,建议调解" and demand.closed_at is not None


def test_merge_points_at_the_other_demand(loop):
    target = loop.recorded(title="主诉求")
    demand = services.demand_merge(demand=loop.recorded(), actor=loop.deputy, into=target)
    assert demand.merged_into == target and demand.status == Status.MERGED
    with pytest.raises(ValidationError):
        services.demand_merge(demand=loop.recorded(), actor=loop.deputy, into=demand)  # not into a merged one


def test_bounce_lets_the_deputy_assign_elsewhere(loop):
    demand = services.demand_bounce(demand=loop.assigned(), actor=loop.staff, reason="应由住建办理")
    other_dept = loop.other_staff.department_staff.department
    services.demand_assign(
        demand=demand, actor=loop.deputy, department=other_dept, matter="查看", standard="回复"
    )
    demand.refresh_from_db()
    assert demand.assignment.department == other_dept
    services.demand_accept(demand=demand, actor=loop.other_staff)


def test_assign_refuses_bad_input_with_field_messages(loop):
    demand = loop.claimed()
    from ..factories import DepartmentFactory

    foreign = DepartmentFactory()
    with pytest.raises(ValidationError) as err:
        services.demand_assign(demand=demand, actor=loop.deputy, department=foreign, matter="", standard="")
    assert set(err.value.message_dict) == {"department", "matter", "standard"}
    demand.refresh_from_db()
    assert demand.status == Status.CLAIMED


def test_co_handlers_see_the_assignment_but_only_the_lead_acts(loop):
    co = loop.other_staff.department_staff.department
    demand = loop.claimed()
    services.demand_assign(
        demand=demand,
        actor=loop.deputy,
        department=loop.department,
        matter="m",
        standard="s",
        co_departments=[co],
    )
    assert Demand.objects.restrict(loop.other_staff).filter(pk=demand.pk).exists()
    with pytest.raises(PermissionDenied):
        services.demand_accept(demand=Demand.objects.get(pk=demand.pk), actor=loop.other_staff)


class TestExtension:
    def test_approved_extension_moves_the_deadline(self, loop):
        demand = loop.accepted()
        old = demand.assignment.due_at
        ext = services.extension_request(
            demand=demand, actor=loop.staff, due_at=old + LATER, reason="需要采购"
        )
        services.extension_decide(extension=ext, actor=loop.presidium, approve=True, note="同意")
        demand.assignment.refresh_from_db()
        assert demand.assignment.due_at == old + LATER
        assert list(demand.events.values_list("action", flat=True))[-2:] == [
            "request_extension",
            "decide_extension",
        ]

    def test_refused_extension_keeps_the_deadline_and_cannot_be_decided_twice(self, loop):
        demand = loop.accepted()
        old = demand.assignment.due_at
        ext = services.extension_request(
            demand=demand, actor=loop.staff, due_at=old + LATER, reason="需要采购"
        )
        services.extension_decide(extension=ext, actor=loop.presidium, approve=False, note="时限内可完成")
        demand.assignment.refresh_from_db()
        assert demand.assignment.due_at == old and ext.status == ExtensionStatus.REFUSED
        with pytest.raises(services.TransitionError):
            services.extension_decide(extension=ext, actor=loop.presidium, approve=True)

    def test_only_the_presidium_decides(self, loop):
        demand = loop.accepted()
        ext = services.extension_request(
            demand=demand, actor=loop.staff, due_at=demand.assignment.due_at + LATER, reason="r"
        )
        for actor in (loop.staff, loop.deputy, loop.citizen):
            with pytest.raises(PermissionDenied):
                services.extension_decide(extension=ext, actor=actor, approve=True)

    def test_one_pending_request_at_a_time_and_later_than_now(self, loop):
        demand = loop.accepted()
        due = demand.assignment.due_at
        with pytest.raises(ValidationError):
            services.extension_request(demand=demand, actor=loop.staff, due_at=due, reason="r")
        services.extension_request(demand=demand, actor=loop.staff, due_at=due + LATER, reason="r")
        with pytest.raises(ValidationError):
            services.extension_request(demand=demand, actor=loop.staff, due_at=due + LATER * 2, reason="r")


def test_notifications_are_queued_for_the_right_people(loop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demand = loop.assigned()
    to_staff = OutboxMessage.objects.filter(user=loop.staff, channel="inapp")
    assert to_staff.filter(subject__contains=demand.code).exists()
    assert OutboxMessage.objects.filter(user=loop.deputy, subject__contains=demand.title).exists()
    # the citizen hears of the claim and of the assignment
    assert OutboxMessage.objects.filter(user=loop.citizen, channel="inapp").count() >= 2


def test_record_finds_the_cell_from_the_point(loop):
    from ..factories import GridCellFactory, square

    cell = GridCellFactory(town=loop.town, boundary=square(30.0, 110.0))
    demand = loop.recorded(cell=None, lat=30.005, lng=110.005)
    assert demand.cell == cell


def test_record_with_the_same_intake_key_returns_the_first(loop):
    first = loop.recorded(intake_key="k-1")
    again = loop.recorded(intake_key="k-1", title="重复提交")
    assert again.pk == first.pk and again.replayed and not first.replayed
    assert Demand.objects.filter(town=loop.town).count() == 1


def test_personal_data_is_encrypted_at_rest(loop):
    from django.db import connection

    demand = loop.recorded(requester_phone="13911112222", requester_id_number="410724199001011234")
    with connection.cursor() as c:
        c.execute(
            "SELECT requester_phone, requester_id_number FROM demands_demand WHERE id = %s", [demand.pk]
        )
        phone, id_number = c.fetchone()
    assert "13911112222" not in phone and "410724199001011234" not in id_number
    assert Demand.objects.get(pk=demand.pk).requester_phone == "13911112222"


def test_at_a_collection_point_one_records_for_another_only_with_consent(loop):
    from ..factories import UserFactory

    agent = UserFactory(role=Role.AGENT, town=loop.town)
    with pytest.raises(ValidationError) as err:
        loop.recorded(recorded_by=agent, requester=None, channel="collection_point")
    assert "consent" in err.value.message_dict
    demand = loop.recorded(recorded_by=agent, requester=None, channel="collection_point", consent=True)
    assert demand.consent_at is not None


def test_a_demand_addressed_to_a_deputy_by_qr_code_tells_that_deputy(
    loop, django_capture_on_commit_callbacks
):
    chosen = loop.other_deputy.deputy  # serves another cell
    with django_capture_on_commit_callbacks(execute=True):
        demand = loop.recorded(addressed_to=chosen)
    assert demand.addressed_to == chosen
    told = OutboxMessage.objects.filter(subject__contains=demand.title)
    assert any(loop.other_deputy.pk in m.recipient_ids for m in told)  # one row for the group told


def test_signing_in_links_the_citizens_earlier_demands(loop):
    from ..factories import UserFactory

    anonymous = loop.recorded(requester=None, recorded_by=None, requester_phone="13766667777")
    user = UserFactory(role=Role.CITIZEN, town=loop.town, phone="13766667777")
    assert services.demands_link_requester(user=user) == 1
    anonymous.refresh_from_db()
    assert anonymous.requester == user and anonymous.events.last().action == "link_requester"
