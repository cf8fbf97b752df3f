"""The staff workbench through Django's test client: inboxes, lists, the record form, a demand's page and
its moves (403 for a role that may not act, 400 with the input kept, 409 for the wrong state)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.demands import services
from lianxin.demands.models import Assignment, Demand, DemandEvent
from lianxin.demands.states import ASSIGNMENT_LIST, COMPLETION_LIST, PROBLEM_LIST, Status
from tests.factories import GridCellFactory

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    """The tracking codes a page lists (the current tab's cards or the list's rows)."""
    if "page" in response.context:
        return {d.code for d in response.context["page"].object_list}
    raise AssertionError("no page in context")


def tab_codes(client, url: str, tab: str) -> set[str]:
    response = client.get(url, {"tab": tab})
    assert response.status_code == 200
    return codes(response)


def detail_url(demand: Demand) -> str:
    return reverse("demands:detail", args=[demand.code])


def act_url(demand: Demand, action: str) -> str:
    return reverse("demands:act", args=[demand.code, action])


# --- where each role lands -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.DEPUTY, "demands:deputy_inbox"),
        (Role.DEPARTMENT, "demands:department_inbox"),
        (Role.PRESIDIUM, "demands:overview"),
        (Role.MEDIATOR, "demands:overview"),
        (Role.COUNTY_VIEWER, "demands:overview"),
        (Role.AGENT, "demands:record"),
        (Role.OBSERVER, "demands:record"),
    ],
)
def test_the_workbench_sends_each_role_to_its_desk(client, persona, role, target):
    client.force_login(persona(role))
    response = client.get(reverse("demands:index"))
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_a_citizen_has_no_workbench(client, persona):
    client.force_login(persona(Role.CITIZEN))
    assert client.get(reverse("demands:index")).status_code == 403
    assert client.get(reverse("demands:overview")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("demands:index"))
    assert response.status_code == 302
    assert reverse("login") in response.url


# --- inboxes -------------------------------------------------------------------------------------------
def test_deputy_inbox_tabs_hold_the_right_items_and_no_others(client, loop):
    url = reverse("demands:deputy_inbox")
    far_cell = GridCellFactory(town=loop.town)
    unclaimed = loop.recorded(title="我的网格未接单")
    elsewhere = loop.recorded(title="别的网格", cell=far_cell)
    no_cell = loop.recorded(title="未定网格", cell=None)
    mine = loop.claimed(title="我接的")
    soon = loop.assigned(title="临期的", urgency="complex")  # 15 working days
    late = loop.accepted(title="超期的")  # 7 working days
    done = loop.closed(title="已销号")
    # the sweep colours the lights as the clock runs: first ``late`` passes its deadline, then ``soon`` nears
    services.deadlines_sweep(at=late.assignment.due_at + dt.timedelta(hours=1))
    services.deadlines_sweep(at=soon.assignment.due_at - dt.timedelta(hours=1))

    client.force_login(loop.deputy)
    assert tab_codes(client, url, "unclaimed") == {unclaimed.code, no_cell.code}
    assert tab_codes(client, url, "mine") == {mine.code, soon.code, late.code}
    assert tab_codes(client, url, "due_soon") == {soon.code}
    assert tab_codes(client, url, "overdue") == {late.code}
    assert done.code not in tab_codes(client, url, "mine")

    # the other deputy of the town serves another cell: only the demand with no cell yet is open to them
    client.force_login(loop.other_deputy)
    assert tab_codes(client, url, "unclaimed") == {no_cell.code}
    assert elsewhere.code not in tab_codes(client, url, "unclaimed")
    for tab in ("mine", "due_soon", "overdue"):
        assert tab_codes(client, url, tab) == set()


def test_deputy_inbox_counts_are_shown_on_the_tabs(client, loop):
    loop.recorded()
    loop.recorded()
    loop.claimed()
    client.force_login(loop.deputy)
    response = client.get(reverse("demands:deputy_inbox"))
    counts = {t.key: t.count for t in response.context["tabs"]}
    assert counts == {"unclaimed": 2, "mine": 1, "due_soon": 0, "overdue": 0}
    assert 'data-tab="unclaimed"' in response.content.decode()
    assert "我的网格待接单" in response.content.decode()


def test_department_inbox_tabs_hold_the_right_items_and_no_others(client, loop):
    url = reverse("demands:department_inbox")
    to_accept = loop.assigned(title="待签收")
    in_progress = loop.accepted(title="办理中")
    returned = loop.returned(title="退回的")
    soon = loop.accepted(title="临期", urgency="complex")
    # near ``soon``'s deadline the 7-day ones are long overdue (red), ``soon`` is yellow
    services.deadlines_sweep(at=soon.assignment.due_at - dt.timedelta(hours=1))
    loop.recorded(title="还没交办")
    loop.closed(title="已经销号")

    client.force_login(loop.staff)
    assert tab_codes(client, url, "to_accept") == {to_accept.code}
    assert tab_codes(client, url, "in_progress") == {in_progress.code, soon.code}
    assert tab_codes(client, url, "due_soon") == {soon.code}
    assert tab_codes(client, url, "returned") == {returned.code}

    client.force_login(loop.other_staff)  # another department of the same town
    for tab in ("to_accept", "in_progress", "due_soon", "returned"):
        assert tab_codes(client, url, tab) == set()


def test_a_deputy_cannot_open_the_department_inbox(client, loop):
    client.force_login(loop.deputy)
    assert client.get(reverse("demands:department_inbox")).status_code == 403
    client.force_login(loop.staff)
    assert client.get(reverse("demands:deputy_inbox")).status_code == 403


# --- the three lists -----------------------------------------------------------------------------------
def make_every_state(loop) -> list[Demand]:
    return [
        loop.recorded(),
        loop.claimed(),
        loop.assigned(),
        loop.accepted(),
        loop.returned(),
        loop.completed(),
        loop.evaluated(),
        loop.closed(),
        services.demand_decline(demand=loop.recorded(), actor=loop.presidium, reason="不属于受理范围"),
    ]


def test_overview_counts_equal_the_database(client, loop, outsider):
    make_every_state(loop)
    # another town's demands must not be counted
    from tests.loop import Loop

    Loop.build(town=outsider.town).closed()
    client.force_login(loop.presidium)
    response = client.get(reverse("demands:overview"))
    assert response.status_code == 200
    lists = {entry["key"]: entry for entry in response.context["lists"]}
    town = Demand.objects.filter(town=loop.town)
    for key, statuses in (
        ("problem", PROBLEM_LIST),
        ("assignment", ASSIGNMENT_LIST),
        ("completion", COMPLETION_LIST),
    ):
        assert lists[key]["total"] == town.filter(status__in=statuses).count()
        for status, _label, n in lists[key]["by_status"]:
            assert n == town.filter(status=status).count()
        assert f'data-count="{key}">{lists[key]["total"]}<' in response.content.decode()
    assert lists["completion"]["total"] == 3


@pytest.mark.parametrize("kind", ["problem", "assignment", "completion"])
def test_each_list_shows_its_statuses_with_its_count(client, loop, kind):
    make_every_state(loop)
    statuses = {"problem": PROBLEM_LIST, "assignment": ASSIGNMENT_LIST, "completion": COMPLETION_LIST}[kind]
    client.force_login(loop.presidium)
    response = client.get(reverse("demands:list", args=[kind]))
    assert response.status_code == 200
    expected = set(Demand.objects.filter(town=loop.town, status__in=statuses).values_list("code", flat=True))
    assert codes(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_lists_filter_by_status_cell_text_department_light_and_date(client, loop):
    far_cell = GridCellFactory(town=loop.town)
    a = loop.recorded(title="路灯坏了")
    b = loop.claimed(title="垃圾清运")
    c = loop.recorded(title="路面塌陷", cell=far_cell, channel="hotline")
    assigned = loop.assigned(title="排水沟")
    client.force_login(loop.presidium)
    url = reverse("demands:list", args=["problem"])
    assert codes(client.get(url, {"status": "claimed"})) == {b.code}
    assert codes(client.get(url, {"cell": far_cell.pk})) == {c.code}
    assert codes(client.get(url, {"q": "路"})) == {a.code, c.code}
    assert codes(client.get(url, {"channel": "hotline"})) == {c.code}
    assert codes(client.get(url, {"category": loop.category.pk})) == {a.code, b.code, c.code}
    today = timezone.localdate(a.created_at)
    assert len(codes(client.get(url, {"created_after": today - dt.timedelta(days=1)}))) == 3
    assert codes(client.get(url, {"created_after": today + dt.timedelta(days=1)})) == set()
    assert codes(client.get(url, {"created_before": today - dt.timedelta(days=2)})) == set()
    url = reverse("demands:list", args=["assignment"])
    assert codes(client.get(url, {"department": loop.department.pk})) == {assigned.code}
    assert codes(client.get(url, {"light": "red"})) == set()
    # a status of another list is not a choice here: the form says so (400) and shows no rows it did not filter
    response = client.get(reverse("demands:list", args=["problem"]), {"status": "closed"})
    assert response.status_code == 400 and response.context["filter"].errors
    assert codes(response) == set()
    assert client.get(reverse("demands:list", args=["nonsense"])).status_code == 404


def test_list_pages_and_does_not_query_per_row(client, loop, django_assert_max_num_queries):
    for _ in range(30):
        loop.assigned()
    client.force_login(loop.presidium)
    url = reverse("demands:list", args=["assignment"])
    with django_assert_max_num_queries(20):
        first = client.get(url)
    assert len(first.context["page"].object_list) == 25
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert not codes(first) & codes(second)


def test_inbox_does_not_query_per_row(client, loop, django_assert_max_num_queries):
    for _ in range(12):
        loop.accepted()
    client.force_login(loop.deputy)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("demands:deputy_inbox"), {"tab": "mine"})
    assert len(codes(response)) == 12


def test_a_deputy_sees_only_their_scope_in_the_lists(client, loop):
    far_cell = GridCellFactory(town=loop.town)
    mine = loop.recorded()
    other = loop.recorded(cell=far_cell)
    client.force_login(loop.deputy)
    listed = codes(client.get(reverse("demands:list", args=["problem"])))
    assert mine.code in listed and other.code not in listed


# --- a demand's page -----------------------------------------------------------------------------------
def test_an_out_of_town_demand_is_not_found(client, loop, outsider):
    demand = loop.recorded()
    client.force_login(outsider)
    assert client.get(detail_url(demand)).status_code == 404
    assert client.post(act_url(demand, "decline"), {"decline-reason": "x"}).status_code == 404
    assert Demand.objects.get(pk=demand.pk).status == Status.RECORDED


def test_a_department_does_not_see_a_demand_not_assigned_to_it(client, loop):
    demand = loop.assigned()
    client.force_login(loop.other_staff)
    assert client.get(detail_url(demand)).status_code == 404
    assert client.post(act_url(demand, "accept")).status_code == 404


def test_detail_shows_the_whole_timeline_and_the_assignment_with_its_light(client, loop):
    demand = loop.returned()
    services.assignment_remind(demand=demand, actor=loop.presidium, note="请加快")
    client.force_login(loop.presidium)
    response = client.get(detail_url(demand))
    html = response.content.decode()
    assert response.status_code == 200
    steps = response.context["timeline"]
    assert len(steps) == DemandEvent.objects.filter(demand=demand).count()
    for text in ("办理过程", "已登记", "接单", "交办部门", "签收", "报告办结", "评价", "还有积水", "请加快"):
        assert text in html, text
    assert 'data-light="green"' in html
    assert "疏通排水" in html and "三日内无积水" in html
    assert "催办记录" in html and "群众: 不满意" in html


def test_only_the_moves_the_user_may_make_now_are_offered(client, loop):
    recorded = loop.recorded()
    client.force_login(loop.deputy)
    html = client.get(detail_url(recorded)).content.decode()
    assert 'id="action-claim"' in html
    assert 'id="action-assign"' not in html and 'id="action-close"' not in html

    completed = loop.completed()
    client.force_login(loop.presidium)
    offered = {m.action for m, _f in client.get(detail_url(completed)).context["action_forms"]}
    assert offered == {"evaluate", "return", "note", "relocate", "appoint"}

    accepted = loop.accepted()
    client.force_login(loop.staff)
    offered = {m.action for m, _f in client.get(detail_url(accepted)).context["action_forms"]}
    assert offered == {"complete", "request_extension", "note", "progress"}


@pytest.mark.parametrize("role", ["presidium", "deputy", "staff"])
def test_personal_data_is_masked_for_every_reader(client, loop, role):
    demand = loop.assigned(requester_id_number="410724199001011234")
    client.force_login(getattr(loop, role))
    html = client.get(detail_url(demand)).content.decode()
    assert "李小花" not in html and "13900001234" not in html and "410724199001011234" not in html
    assert "李**" in html and "139****1234" in html and "410724********1234" in html


@pytest.mark.parametrize(
    ("role", "may"), [("presidium", True), ("deputy", True), ("staff", True), ("other_staff", False)]
)
def test_who_may_reveal_the_requester_sees_them_once_with_an_audit_entry(client, loop, role, may):
    from lianxin.audit.models import AuditEntry

    demand = loop.assigned(requester_id_number="410724199001011234")
    user = getattr(loop, role)
    client.force_login(user)
    response = client.post(reverse("demands:reveal_phone", args=[demand.code]), {"reason": "回访核实"})
    if not may:
        assert response.status_code in (403, 404) and not AuditEntry.objects.filter(kind="reveal").exists()
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "李小花" in html and "13900001234" in html and "410724199001011234" in html
    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.object_id, entry.reason) == (user.pk, str(demand.pk), "回访核实")
    assert sorted(entry.details["fields"]) == ["id_number", "name", "phone"]
    assert "13900001234" not in client.get(detail_url(demand)).content.decode(), "shown once, not kept"


def test_reveals_are_limited_per_account(client, loop, settings):
    from lianxin.audit.models import AuditEntry

    settings.PERSONAL_REVEAL_RATE = "2/h"
    demand = loop.assigned()
    client.force_login(loop.presidium)
    url = reverse("demands:reveal_phone", args=[demand.code])
    answers = [client.post(url, {"reason": f"第{i}次"}) for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "13900001234" not in answers[2].content.decode()
    assert "过多" in answers[2].content.decode() or "too many" in answers[2].content.decode()
    assert AuditEntry.objects.filter(kind="reveal").count() == 2


# --- moves ---------------------------------------------------------------------------------------------
def test_the_whole_loop_through_the_pages(client, loop):
    demand = loop.recorded()
    client.force_login(loop.deputy)
    assert client.post(act_url(demand, "claim")).status_code == 302
    response = client.post(
        act_url(demand, "assign"),
        {"assign-department": loop.department.pk, "assign-matter": "疏通排水", "assign-standard": "无积水"},
    )
    assert response.status_code == 302, response.content.decode()
    client.force_login(loop.staff)
    assert client.post(act_url(demand, "accept")).status_code == 302
    done = {"complete-result": "已疏通", "complete-outcome": "resolved"}
    assert client.post(act_url(demand, "complete"), done).status_code == 302
    client.force_login(loop.presidium)
    verdict = {"evaluate-verdict": "unsatisfied", "evaluate-comment": "还有积水"}
    assert client.post(act_url(demand, "evaluate"), verdict).status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == Status.RETURNED
    client.force_login(loop.staff)
    assert client.post(act_url(demand, "complete"), done).status_code == 302
    client.force_login(loop.presidium)
    assert client.post(act_url(demand, "evaluate"), {"evaluate-verdict": "satisfied"}).status_code == 302
    response = client.post(act_url(demand, "close"), {"close-note": "验收通过"}, follow=True)
    assert response.status_code == 200
    assert "已完成：验收销号" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == Status.CLOSED
    assert list(demand.events.values_list("action", flat=True)) == [
        "record",
        "claim",
        "assign",
        "accept",
        "complete",
        "evaluate",
        "complete",
        "evaluate",
        "close",
    ]


def test_a_wrong_state_post_is_409_with_a_chinese_message(client, loop):
    demand = loop.claimed()
    client.force_login(loop.deputy)
    response = client.post(act_url(demand, "claim"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "操作未完成" in html and "现在不能进行“接单”" in html
    assert Demand.objects.get(pk=demand.pk).status == Status.CLAIMED
    assert DemandEvent.objects.filter(demand=demand, action="claim").count() == 1


@pytest.mark.parametrize(
    ("state", "who", "action", "data", "expected"),
    [
        ("recorded", "presidium", "claim", {}, 403),
        ("assigned", "deputy", "accept", {}, 403),
        ("accepted", "deputy", "complete", {"complete-result": "办了", "complete-outcome": "resolved"}, 403),
        ("completed", "staff", "close", {}, 403),
        ("evaluated", "deputy", "close", {}, 403),
        ("completed", "deputy", "evaluate", {"evaluate-verdict": "satisfied"}, 403),
        ("completed", "citizen", "return", {"return-reason": "不行"}, 403),
        # out of their scope altogether: not even a 403 that tells it exists
        ("recorded", "staff", "claim", {}, 404),
        ("claimed", "other_deputy", "assign", {}, 404),
    ],
)
def test_a_role_that_may_not_act_is_refused_and_nothing_changes(
    client, loop, state, who, action, data, expected
):
    demand = getattr(loop, state)()
    client.force_login(getattr(loop, who))
    before = (demand.status, DemandEvent.objects.filter(demand=demand).count())
    response = client.post(act_url(demand, action), data)
    assert response.status_code == expected
    demand.refresh_from_db()
    assert (demand.status, DemandEvent.objects.filter(demand=demand).count()) == before


def test_bad_input_is_400_and_keeps_what_was_typed(client, loop):
    demand = loop.claimed()
    client.force_login(loop.deputy)
    response = client.post(
        act_url(demand, "assign"),
        {"assign-department": loop.department.pk, "assign-matter": "", "assign-standard": "三天内修好路灯"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "三天内修好路灯" in html
    assert 'id="action-assign"' in html and "<details open>" in html
    assert Demand.objects.get(pk=demand.pk).status == Status.CLAIMED


def test_a_service_refusal_of_the_input_is_400_on_the_form(client, loop):
    demand = loop.completed()
    client.force_login(loop.presidium)
    response = client.post(
        act_url(demand, "evaluate"), {"evaluate-verdict": "unsatisfied", "evaluate-comment": ""}
    )
    assert response.status_code == 400
    assert "请说明还有什么问题" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).status == Status.COMPLETED

    past = "2000-01-01T09:00"
    demand = loop.claimed()
    client.force_login(loop.deputy)
    response = client.post(
        act_url(demand, "assign"),
        {
            "assign-department": loop.department.pk,
            "assign-matter": "修路灯",
            "assign-standard": "亮",
            "assign-due_at": past,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "完成时限必须晚于现在" in html and "修路灯" in html


def test_extension_is_requested_and_decided_from_the_page(client, loop):
    demand = loop.accepted()
    new_due = timezone.localtime(demand.assignment.due_at + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(loop.staff)
    response = client.post(
        act_url(demand, "request_extension"),
        {"request_extension-due_at": new_due, "request_extension-reason": "需要采购材料"},
    )
    assert response.status_code == 302
    offered = {m.action for m, _f in client.get(detail_url(demand)).context["action_forms"]}
    assert "request_extension" not in offered
    client.force_login(loop.presidium)
    offered = {m.action for m, _f in client.get(detail_url(demand)).context["action_forms"]}
    assert "decide_extension" in offered
    response = client.post(act_url(demand, "decide_extension"), {"decide_extension-approve": "yes"})
    assert response.status_code == 302
    assert Assignment.objects.get(demand=demand).due_at > demand.assignment.due_at
    # nothing waits any more: a second decision is a conflict, not a crash
    response = client.post(act_url(demand, "decide_extension"), {"decide_extension-approve": "no"})
    assert response.status_code == 409


def test_decline_merge_and_transfer(client, loop):
    target = loop.recorded(title="同一个问题")
    merged = loop.recorded()
    declined = loop.recorded()
    transferred = loop.claimed()
    client.force_login(loop.deputy)
    assert client.post(act_url(merged, "merge"), {"merge-into": "NOPE"}).status_code == 400
    assert client.post(act_url(merged, "merge"), {"merge-into": target.code}).status_code == 302
    assert client.post(act_url(declined, "decline"), {"decline-reason": "属于司法程序"}).status_code == 302
    response = client.post(
        act_url(transferred, "transfer"), {"transfer-to_level": "county", "transfer-note": "建议县里统筹"}
    )
    assert response.status_code == 302
    assert Demand.objects.get(pk=merged.pk).merged_into_id == target.pk
    assert Demand.objects.get(pk=declined.pk).status == Status.DECLINED
    t = Demand.objects.get(pk=transferred.pk)
    assert t.status == Status.TRANSFERRED and "建议县里统筹" in t.closing_note


def test_an_unknown_action_is_404_and_get_is_not_allowed(client, loop):
    demand = loop.recorded()
    client.force_login(loop.deputy)
    assert client.post(act_url(demand, "explode")).status_code == 404
    assert client.get(act_url(demand, "claim")).status_code == 405


# --- recording -----------------------------------------------------------------------------------------
def record_data(loop, **kw):
    return {
        "intake_key": uuid.uuid4().hex,
        "channel": "station",
        "category": loop.category.pk,
        "urgency": "general",
        "title": "桥头护栏松动",
        "description": "村东桥头护栏松动,有孩子经过",
        "cell": loop.cell.pk,
        "requester_name": "王大爷",
        "requester_phone": "13700001111",
    } | kw


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.PRESIDIUM, Role.MEDIATOR, Role.AGENT, Role.OBSERVER])
def test_staff_agents_and_observers_may_record(client, loop, role):
    from tests.factories import UserFactory

    user = loop.deputy if role == Role.DEPUTY else UserFactory(role=role, town=loop.town)
    client.force_login(user)
    get = client.get(reverse("demands:record"))
    assert get.status_code == 200
    assert len(get.context["form"].initial["intake_key"]) == 32
    point = {"channel": "collection_point"}
    refused = client.post(reverse("demands:record"), record_data(loop, **point))
    assert refused.status_code == 400 and "请先征得本人同意" in refused.content.decode()
    assert not Demand.objects.filter(title="桥头护栏松动").exists(), "for someone else only with consent"
    response = client.post(reverse("demands:record"), record_data(loop, consent="on", **point))
    assert response.status_code == 302
    demand = Demand.objects.get(title="桥头护栏松动")
    assert demand.recorded_by == user and demand.status == Status.RECORDED and demand.town == loop.town


def test_department_staff_and_citizens_may_not_record(client, loop):
    for user in (loop.staff, loop.citizen):
        client.force_login(user)
        assert client.get(reverse("demands:record")).status_code == 403
        assert client.post(reverse("demands:record"), record_data(loop)).status_code == 403
    assert not Demand.objects.exists()


def test_a_double_submitted_record_form_makes_one_demand(client, loop):
    client.force_login(loop.presidium)
    data = record_data(loop)
    first = client.post(reverse("demands:record"), data)
    second = client.post(reverse("demands:record"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Demand.objects.filter(town=loop.town).count() == 1


def test_a_bad_record_form_is_400_and_keeps_what_was_typed(client, loop):
    client.force_login(loop.presidium)
    response = client.post(reverse("demands:record"), record_data(loop, cell="", requester_phone="abc"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "桥头护栏松动" in html and "王大爷" in html
    assert "请选择网格，或填写位置。" in html
    assert not Demand.objects.exists()


def test_a_location_finds_the_cell(client, loop):
    client.force_login(loop.presidium)
    response = client.post(reverse("demands:record"), record_data(loop, cell="", lat="35.265", lng="113.665"))
    assert response.status_code == 302
    assert Demand.objects.get().cell == loop.cell


def test_another_towns_category_is_not_a_choice(client, loop, other_town):
    from tests.factories import CategoryFactory

    foreign = CategoryFactory(town=other_town)
    client.force_login(loop.presidium)
    response = client.post(reverse("demands:record"), record_data(loop, category=foreign.pk))
    assert response.status_code == 400
    assert not Demand.objects.exists()


def test_the_workbench_is_linked_from_the_nav_and_home(client, loop):
    client.force_login(loop.presidium)
    html = client.get(reverse("portal:home")).content.decode()
    assert html.count(f'href="{reverse("demands:index")}"') == 2
    client.force_login(loop.citizen)
    assert (
        f'href="{reverse("demands:index")}"'
        not in client.get(reverse("demands:record"), follow=True).content.decode()
    )


def test_an_invalid_filter_is_a_400_that_says_why_and_exports_nothing(client, loop):
    loop.recorded()
    client.force_login(loop.presidium)
    response = client.get("/demands/lists/problem/?created_after=2024-99-99")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    export = client.get("/demands/lists/problem/?created_after=2024-99-99&format=xlsx")
    assert export.status_code == 400 and "spreadsheet" not in export.get("Content-Type", "")
