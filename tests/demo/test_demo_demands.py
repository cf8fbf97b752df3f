"""The demo year of demands: figures of the case's order, every road of the loop, consistent lists."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.db.models import Count

from lianxin.accounts.models import User
from lianxin.core.lights import Light
from lianxin.core.models import Town
from lianxin.demands import services
from lianxin.demands.models import (
    Assignment,
    Category,
    Channel,
    Demand,
    DemandEvent,
    Domain,
    EvaluatorRole,
    Extension,
    ExtensionStatus,
    Outcome,
    Reminder,
)
from lianxin.demands.states import ASSIGNMENT_LIST, COMPLETION_LIST, Status
from lianxin.demands.workflow import MOVES
from lianxin.demo import data
from lianxin.demo.demands import DEPARTMENT_LOGINS, year_end
from lianxin.people.models import DepartmentStaff

pytestmark = pytest.mark.django_db


@pytest.fixture
def chengguan(demo_town):
    return Town.objects.get(name="城关镇")


@pytest.fixture
def demands(chengguan):
    return Demand.objects.filter(town=chengguan)


def _by_status(demands) -> dict[str, int]:
    return dict(demands.values_list("status").annotate(n=Count("id")).order_by())


def test_categories_cover_the_three_domains_with_12345_limits(chengguan):
    categories = Category.objects.filter(town=chengguan)
    assert set(categories.values_list("domain", flat=True)) == set(Domain.values)
    names = set(categories.values_list("name", flat=True))
    assert {"环境卫生", "道路交通", "供水排水", "物业与问题楼盘", "就业与社保", "养老托育"} <= names
    assert {"企业用工", "企业服务", "农田水利", "邻里纠纷"} <= names
    for c in categories:
        assert c.keywords and c.default_department is not None, c
        assert c.default_department.town_id == chengguan.pk
    general = categories.get(name="就业与社保")
    assert (general.emergency_hours, general.general_days, general.complex_days) == (2, 7, 15)
    assert categories.exclude(general_days=7).exists(), "some categories differ from the defaults"


def test_a_year_of_the_cases_order_from_every_channel(demands):
    assert 80 <= demands.count() <= 120
    channels = dict(demands.values_list("channel").annotate(n=Count("id")).order_by())
    assert set(channels) == set(Channel.values)
    assert channels[Channel.STATION] >= 20  # 30+ voter opinions at stations and windows
    enterprise = demands.filter(channel=Channel.ENTERPRISE)
    assert enterprise.filter(status=Status.CLOSED, outcome=Outcome.RESOLVED).count() >= 10
    assert set(enterprise.values_list("category__name", flat=True)) <= {"企业用工", "企业服务"}
    # 32 collected, 32 assigned, 32 completed in the case: ours is of that order, most of it closed
    assert demands.filter(status=Status.CLOSED).count() >= 0.6 * demands.count()
    start, end = demands.order_by("created_at")[0].created_at, year_end()
    assert start.date().isoformat() >= "2025-12-01"
    assert not DemandEvent.objects.filter(demand__in=demands, at__gt=end).exists()
    # personal data is there (and encrypted at rest)
    assert not demands.filter(requester_name="").exists()
    assert not demands.filter(requester_phone="").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT requester_phone FROM demands_demand WHERE id = %s", [demands[0].pk])
        assert cursor.fetchone()[0].startswith("gAAAA")


def test_every_road_of_the_loop_is_present(demands, chengguan):
    statuses = _by_status(demands)
    assert set(statuses) == set(Status.values)
    for s in (Status.MERGED, Status.DECLINED, Status.TRANSFERRED, Status.RETURNED):
        assert statuses[s] >= 1, s
    assert statuses[Status.TRANSFERRED] in (1, 2)
    for d in demands.filter(status=Status.MERGED).select_related("merged_into"):
        assert d.merged_into.town_id == d.town_id and d.merged_into.category_id == d.category_id
    assert not demands.filter(status=Status.DECLINED, closing_note="").exists()
    # overdue and left open: red, reminded, escalated
    red = Assignment.objects.filter(town=chengguan, light=Light.RED, demand__status__in=ASSIGNMENT_LIST)
    assert red.count() >= 2
    for a in red:
        assert a.due_at < year_end() and a.escalated_at is not None
        assert a.reminders.filter(level=Reminder.Level.RED).exists()
    # returned after an unsatisfied citizen (or a failed check), reworked and closed
    returned_closed = demands.filter(status=Status.CLOSED, assignment__returns__gt=0)
    assert returned_closed.count() >= 2
    assert DemandEvent.objects.filter(
        demand__in=returned_closed, action="evaluate", to_status="returned"
    ).exists()
    # extensions approved and refused; a department sent one back and it was assigned again
    ext = dict(
        Extension.objects.filter(town=chengguan).values_list("status").annotate(n=Count("id")).order_by()
    )
    assert ext.get(ExtensionStatus.APPROVED, 0) >= 1 and ext.get(ExtensionStatus.REFUSED, 0) == 1
    assert DemandEvent.objects.filter(demand__in=demands, action="bounce").exists()
    # still in progress at the end of the year
    for s in (
        Status.RECORDED,
        Status.CLAIMED,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.COMPLETED,
        Status.EVALUATED,
    ):
        assert statuses[s] >= 1, s
    # resolved and explained-not-resolved are both outcomes of closed demands
    outcomes = set(demands.filter(status=Status.CLOSED).values_list("outcome", flat=True))
    assert outcomes == {Outcome.RESOLVED, Outcome.EXPLAINED}


def test_the_three_lists_are_consistent(demands):
    assigned = demands.filter(status__in=(*ASSIGNMENT_LIST, *COMPLETION_LIST))
    for d in assigned.select_related("assignment__department"):
        a = d.assignment
        assert a.department and a.matter and a.standard and a.due_at and a.assigned_by_id, d.code
        assert a.due_at > a.assigned_at
        assert d.deputy_id is not None
    for d in demands.filter(status__in=COMPLETION_LIST).select_related("assignment"):
        assert d.assignment.result and d.assignment.completed_at and d.outcome, d.code
    for d in demands.filter(status=Status.CLOSED):
        roles = set(d.evaluations.values_list("role", flat=True))
        assert roles & {EvaluatorRole.CITIZEN, EvaluatorRole.DEPUTY}, d.code
        assert EvaluatorRole.PRESIDIUM in roles and d.closed_at is not None
    # nothing on the problem list has an assignment
    assert not demands.filter(status__in=(Status.RECORDED,), assignment__isnull=False).exists()


def test_each_event_log_starts_with_record_and_ends_in_the_stored_status(demands):
    for d in demands.prefetch_related("events"):
        events = list(d.events.all())
        assert events[0].action == "record" and events[0].to_status == Status.RECORDED, d.code
        moves = [e for e in events if e.from_status != e.to_status]
        for before, after in itertools.pairwise(moves):
            assert after.from_status == before.to_status, (d.code, before.action, after.action)
            assert after.at >= before.at
        for e in moves[1:]:
            allowed = MOVES[e.action]
            assert e.from_status in allowed.sources, (d.code, e.action, e.from_status)
        assert moves[-1].to_status == d.status, d.code


def test_actors_have_accounts(chengguan, demands):
    for short, slug in DEPARTMENT_LOGINS.items():
        staff = DepartmentStaff.objects.get(user__username=f"dept-{slug}")
        assert staff.department.short_name == short and staff.town == chengguan
        assert not staff.user.has_usable_password()
    assert len(DEPARTMENT_LOGINS) == len(data.DEPARTMENTS)
    # every claimer is a deputy with an account who serves the demand's cell
    for d in demands.exclude(deputy=None).select_related("deputy"):
        assert d.deputy.user_id is not None
        assert d.deputy.cell_links.filter(cell_id=d.cell_id).exists(), d.code
    citizen = User.objects.get(username="citizen")
    mine = demands.filter(requester=citizen)
    assert mine.count() == 3 and mine.filter(status=Status.COMPLETED).exists(), (
        "one for the citizen to evaluate"
    )
    assert len(set(mine.values_list("status", flat=True))) == 3
    deputy = User.objects.get(username="deputy")
    assert demands.filter(deputy__user=deputy).exclude(status=Status.CLOSED).exists()
    assert demands.filter(status=Status.RECORDED, cell__deputy_links__deputy__user=deputy).exists()
    assert Assignment.objects.filter(
        demand__in=demands, department__short_name="城管", demand__status__in=ASSIGNMENT_LIST
    ).exists()


def test_the_sweep_at_the_end_of_the_year_changes_nothing_more(demands):
    assert services.deadlines_sweep(at=year_end()) == {"yellow": 0, "red": 0}


def test_generating_again_replays_nothing(demands):
    from lianxin.demo.generator import generate

    before = (demands.count(), DemandEvent.objects.count(), Reminder.objects.count())
    stats = generate()
    assert (stats.created, stats.updated) == (0, 0)
    assert (demands.count(), DemandEvent.objects.count(), Reminder.objects.count()) == before


def test_the_public_board_shows_redacted_results(demo_town):
    from lianxin.board.models import Publication

    published = Publication.objects.filter(town__name="城关镇", published=True).select_related("demand")
    assert published.count() == 30
    assert {p.demand.status for p in published} == {"closed", "accepted"}
    for p in published:
        demand = p.demand
        public = p.title + p.text + p.result
        assert demand.requester_phone not in public and demand.requester_name not in public


def test_some_agent_recorded_demands_carry_the_persons_voice(chengguan):
    """Issue 29: every third demand an agent records has a voice note (a clip ffmpeg made at build time, checked
    and re-encoded like a phone's), with the person's consent to be recorded and the agent who recorded it."""
    from lianxin.accounts.roles import Role
    from lianxin.core.audio import available
    from lianxin.demands.models import Attachment

    if not available():
        pytest.skip("Debian's ffmpeg is not installed")
    notes = [a for a in Attachment.objects.filter(town=chengguan).select_related("demand") if a.is_voice]
    agent_recorded = Demand.objects.filter(town=chengguan, channel=Channel.COLLECTION_POINT).count()
    assert 0 < len(notes) < agent_recorded
    for note in notes:
        assert note.demand.channel == Channel.COLLECTION_POINT and note.voice_consent
        assert note.uploaded_by == note.demand.recorded_by and note.uploaded_by.role == Role.AGENT
        assert note.file.size > 1000 and note.file.open("rb").read(4) == b"OggS"
