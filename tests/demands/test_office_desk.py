"""Issue 10, the staff and office points: what a deputy, a department and the presidium found missing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from lianxin.accounts.roles import Role
from lianxin.demands import services
from lianxin.demands.models import Demand, DemandEvent, PersonalDataAccess
from lianxin.demands.states import Status
from lianxin.notify.models import OutboxMessage
from lianxin.portal.selectors import demand_timeline

from ..factories import GridCellFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail_url(demand: Demand) -> str:
    return reverse("demands:detail", args=[demand.code])


def act_url(demand: Demand, action: str) -> str:
    return reverse("demands:act", args=[demand.code, action])


def texts_to(user=None, *, phone: str = "") -> list[str]:
    """What the outbox holds for a user, or (the address is encrypted, so compared here) for a bare phone."""
    if user is not None:
        rows = [m for m in OutboxMessage.objects.all() if user.pk in m.recipient_ids]  # a group's row too
    else:
        rows = [m for m in OutboxMessage.objects.filter(user=None) if m.address == phone]
    return [f"{m.subject}\n{m.body}" for m in rows]


# --- point 6: landing, internal notes apart from what the citizen is told, interim replies ------------------
@pytest.mark.parametrize(("who", "inbox"), [("deputy", "deputy_inbox"), ("staff", "department_inbox")])
def test_a_deputy_and_a_department_land_on_their_inbox(client, loop, who, inbox):
    client.force_login(getattr(loop, who))
    response = client.get(reverse("portal:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(f"demands:{inbox}")
    assert reverse("portal:town") in response.content.decode(), "the grid at a glance is one link away"
    client.force_login(loop.presidium)
    assert client.get(reverse("portal:home")).status_code == 200, "the office still lands on the town"


def test_what_the_office_writes_in_the_matter_is_not_texted_to_the_citizen(loop):
    demand = loop.claimed(requester=None, requester_phone="13811112222")
    services.demand_assign(
        demand=demand,
        actor=loop.deputy,
        department=loop.department,
        matter="内部：先找村支书摸底",
        standard="清理",
    )
    sms = texts_to(phone="13811112222")
    assert sms, "the citizen is told the demand was assigned"
    assert not any("村支书" in t for t in sms)
    assert any("村支书" in t for t in texts_to(loop.staff)), "the department does read the matter"


def test_an_internal_note_reaches_no_citizen_and_an_interim_reply_does(client, loop):
    demand = loop.accepted(requester=None, requester_phone="13811113333")
    before = OutboxMessage.objects.count()
    client.force_login(loop.staff)
    response = client.post(act_url(demand, "note"), {"note-note": "村民情绪激动，注意方式"})
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == before, "a note is for the file, not for anyone's phone"
    response = client.post(act_url(demand, "progress"), {"progress-reply": "已完成勘察，预计下周施工"})
    assert response.status_code == 302
    assert any("预计下周施工" in t for t in texts_to(phone="13811113333"))
    shown = " ".join(text for _at, text in demand_timeline(demand=demand))
    assert "预计下周施工" in shown and "情绪激动" not in shown
    html = client.get(detail_url(demand)).content.decode()
    assert 'data-kind="note"' in html and 'data-kind="progress"' in html


def test_an_empty_interim_reply_is_a_400_in_chinese(client, loop):
    demand = loop.accepted()
    client.force_login(loop.staff)
    response = client.post(act_url(demand, "progress"), {"progress-reply": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()


# --- point 7: the call-back ------------------------------------------------------------------------------
def test_the_claiming_deputy_reveals_the_phone_with_a_reason_and_it_is_logged(client, loop):
    demand = loop.accepted()
    client.force_login(loop.deputy)
    html = client.get(detail_url(demand)).content.decode()
    assert "13900001234" not in html and "139****1234" in html
    assert reverse("demands:reveal_phone", args=[demand.code]) in html
    missing = client.post(reverse("demands:reveal_phone", args=[demand.code]), {"reason": " "})
    assert missing.status_code == 400 and not PersonalDataAccess.objects.exists()
    response = client.post(reverse("demands:reveal_phone", args=[demand.code]), {"reason": "约时间现场查看"})
    assert response.status_code == 200
    assert 'href="tel:13900001234"' in response.content.decode()
    (access,) = PersonalDataAccess.objects.all()
    assert (access.user, access.demand, access.field, access.reason) == (
        loop.deputy,
        demand,
        "requester",
        "约时间现场查看",
    )
    assert "13900001234" not in client.get(detail_url(demand)).content.decode(), "shown once, not kept"
    from lianxin.audit.models import AuditEntry

    (entry,) = AuditEntry.objects.filter(kind="reveal")  # and the audit administrator reads it too
    assert (entry.user_id, entry.object_id, entry.reason) == (
        loop.deputy.pk,
        str(demand.pk),
        "约时间现场查看",
    )
    client.force_login(loop.presidium)
    html = client.get(detail_url(demand)).content.decode()
    assert "data-accesses" in html and "约时间现场查看" in html


def test_the_lead_department_may_call_back_while_it_holds_the_item(client, loop):
    demand = loop.accepted()
    url = reverse("demands:reveal_phone", args=[demand.code])
    client.force_login(loop.staff)
    shown = client.post(url, {"reason": "核实地址"})
    assert shown.status_code == 200
    assert 'href="tel:13900001234"' in shown.content.decode()  # the number to call, read from the page
    (access,) = PersonalDataAccess.objects.all()  # and what was stored: who, which demand, why
    assert (access.user, access.demand, access.field, access.reason) == (
        loop.staff,
        demand,
        "requester",
        "核实地址",
    )
    services.demand_complete(demand=demand, actor=loop.staff, result="已办", outcome="resolved")
    assert client.post(url, {"reason": "再问一次"}).status_code == 403, "no longer on its clock"
    assert PersonalDataAccess.objects.count() == 1  # the refused try stored nothing


@pytest.mark.parametrize("who", ["other_deputy", "other_staff", "citizen"])
def test_everyone_else_keeps_the_mask(client, loop, who):
    demand = loop.accepted()
    client.force_login(getattr(loop, who))
    response = client.post(reverse("demands:reveal_phone", args=[demand.code]), {"reason": "想打个电话"})
    assert response.status_code in (403, 404)
    assert not PersonalDataAccess.objects.exists()


# --- point 8: the department's 超期 tab, a friendly 404 ----------------------------------------------------
def test_the_department_inbox_has_an_overdue_tab(client, loop):
    demand = loop.accepted()
    with time_machine.travel(demand.assignment.due_at + dt.timedelta(hours=1)):
        services.deadlines_sweep()
        client.force_login(loop.staff)
        response = client.get(reverse("demands:department_inbox"), {"tab": "overdue"})
    html = response.content.decode()
    assert 'data-tab="overdue"' in html and "超期" in html
    assert response.context["current"].key == "overdue"
    assert [d.pk for d in response.context["page"].object_list] == [demand.pk]


def test_a_link_outside_ones_scope_is_a_friendly_404_with_a_way_back(client, loop):
    demand = loop.accepted()
    client.force_login(loop.other_staff)
    response = client.get(detail_url(demand))
    html = response.content.decode()
    assert response.status_code == 404
    assert "不在您所在乡镇和角色的范围内" in html and f'href="{reverse("demands:index")}"' in html
    assert demand.title not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(detail_url(demand)).content.decode()
    assert "Back to my inbox" in html


# --- point 9: the presidium re-routes; rejections reach everyone involved -----------------------------------
def test_relocating_moves_the_demand_to_the_right_cells_deputies(client, loop):
    demand = loop.recorded()
    east = GridCellFactory(town=loop.town, name="东关村")
    client.force_login(loop.presidium)
    response = client.post(
        act_url(demand, "relocate"), {"relocate-cell": east.pk, "relocate-reason": "定位偏差"}
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.cell == east and demand.status == Status.RECORDED
    client.force_login(loop.deputy)
    assert client.get(detail_url(demand)).status_code == 404, "no longer in the first deputy's cells"


def test_appointing_a_deputy_claims_an_unclaimed_item_on_their_behalf(client, loop):
    demand = loop.recorded()
    client.force_login(loop.presidium)
    response = client.post(act_url(demand, "appoint"), {"appoint-deputy": loop.other_deputy.deputy.pk})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.CLAIMED and demand.deputy == loop.other_deputy.deputy
    assert OutboxMessage.objects.filter(user=loop.other_deputy).exists()
    client.force_login(loop.other_deputy)
    assert 'id="action-assign"' in client.get(detail_url(demand)).content.decode()


def test_reassigning_sends_it_to_the_new_department_to_accept(client, loop):
    demand = loop.accepted()
    new = loop.other_staff.department_staff.department
    client.force_login(loop.presidium)
    response = client.post(
        act_url(demand, "reassign"), {"reassign-department": new.pk, "reassign-reason": "职责划分"}
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.ASSIGNED and demand.assignment.department == new
    assert demand.assignment.accepted_at is None
    client.force_login(loop.other_staff)
    assert 'id="action-accept"' in client.get(detail_url(demand)).content.decode()
    client.force_login(loop.staff)
    assert client.get(detail_url(demand)).status_code == 404


def test_extending_an_overdue_item_gives_it_a_fresh_deadline_and_a_green_light(client, loop):
    demand = loop.accepted()
    late = demand.assignment.due_at + dt.timedelta(days=1)
    with time_machine.travel(late, tick=False):
        services.deadlines_sweep()
        demand.refresh_from_db()
        assert demand.assignment.light == "red"
        client.force_login(loop.presidium)
        bad = client.post(
            act_url(demand, "extend"), {"extend-due_at": "2020-01-01T09:00", "extend-reason": "x"}
        )
        assert bad.status_code == 400 and "2020-01-01T09:00" in bad.content.decode(), "input kept"
        new_due = (late + dt.timedelta(days=10)).astimezone(dt.timezone(dt.timedelta(hours=8)))
        response = client.post(
            act_url(demand, "extend"),
            {"extend-due_at": new_due.strftime("%Y-%m-%dT%H:%M"), "extend-reason": "汛期施工受阻"},
        )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.assignment.light == "green" and demand.assignment.due_at > late
    assert any("延长" in t for t in texts_to(loop.staff))


def test_a_citizens_rejection_reaches_the_deputy_and_the_office_with_the_new_deadline(loop):
    demand = loop.completed()
    old_due = demand.assignment.due_at
    with time_machine.travel(old_due + dt.timedelta(days=2), tick=False):
        services.demand_evaluate(demand=demand, actor=loop.citizen, verdict="unsatisfied", comment="还有积水")
    demand.refresh_from_db()
    assert demand.assignment.due_at > old_due + dt.timedelta(days=2), "a returned item gets a new deadline"
    for user in (loop.staff, loop.deputy, loop.presidium):
        told = texts_to(user)
        assert any("还有积水" in t for t in told), user
    due = f"{demand.assignment.due_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%m-%d %H:%M}"
    assert any(due in t for t in texts_to(loop.presidium))


# --- point 10: texts carry local time, across the UTC date line ----------------------------------------------
def test_every_stored_or_sent_time_is_local_across_the_utc_date_line(loop):
    """17:30 UTC on 1 March is 01:30 on 2 March in the town: a UTC text would say the wrong day and hour."""
    utc_due = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 2, 20, 1, 0, tzinfo=dt.UTC), tick=False):
        demand = loop.claimed()
        services.demand_assign(
            demand=demand,
            actor=loop.deputy,
            department=loop.department,
            matter="m",
            standard="s",
            due_at=utc_due,
        )
        demand = services.demand_accept(demand=Demand.objects.get(pk=demand.pk), actor=loop.staff)
        services.extension_request(
            demand=demand, actor=loop.staff, due_at=utc_due + dt.timedelta(days=1), reason="r"
        )
        services.demand_decide_extension(
            demand=Demand.objects.get(pk=demand.pk), actor=loop.presidium, approve=True
        )
        services.demand_extend(
            demand=Demand.objects.get(pk=demand.pk),
            actor=loop.presidium,
            due_at=utc_due + dt.timedelta(days=3),
            reason="r",
        )
        services.demand_reassign(
            demand=Demand.objects.get(pk=demand.pk),
            actor=loop.presidium,
            department=loop.other_staff.department_staff.department,
            reason="r",
            due_at=utc_due + dt.timedelta(days=4),
        )
    with time_machine.travel(utc_due + dt.timedelta(days=4, minutes=1), tick=False):
        services.deadlines_sweep()
    notes = list(DemandEvent.objects.filter(demand=demand).values_list("action", "note"))
    by_kind = {a: n for a, n in notes}
    assert "2026-03-02 01:30" in by_kind["assign"]
    assert (
        "2026-03-03 01:30" in by_kind["request_extension"]
        and "2026-03-03 01:30" in by_kind["decide_extension"]
    )
    assert "2026-03-05 01:30" in by_kind["extend"]
    assert "2026-03-06 01:30" in by_kind["reassign"] and "2026-03-06 01:30" in by_kind["sweep_red"]
    sent = " ".join(OutboxMessage.objects.values_list("subject", flat=True))
    assert "03-02 01:30" in sent and "03-05 01:30" in sent and "03-06 01:30" in sent
    assert "17:30" not in " ".join(n for _a, n in notes) + sent


# --- point 11: words meant for each role -------------------------------------------------------------------
def test_the_office_is_not_asked_to_evaluate(loop):
    loop.completed(requester=None, requester_phone="13811114444")
    office = " ".join(texts_to(loop.presidium) + texts_to(loop.deputy))
    citizen = " ".join(texts_to(phone="13811114444"))
    assert "请评价" in citizen
    assert "请评价" not in office and "审核" in office


def test_notices_are_in_the_towns_language_whoever_acted_in_english(loop):
    """A move made on an English page (the thread's language English) still texts the citizen in Chinese."""
    with translation.override("en"):
        loop.completed(requester=None, requester_phone="13811115555")
    citizen = " ".join(texts_to(phone="13811115555"))
    assert "请评价" in citizen and "please evaluate" not in citizen.lower()


# --- point 15: favicon and the system administrator's tools -------------------------------------------------
def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)


def test_the_system_administrator_lands_on_their_tools(client, db):
    from django.contrib.auth.models import Permission

    admin = UserFactory(role=Role.SYSTEM_ADMIN, town=None, is_staff=True)
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__endswith="_user")
    )
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert "功能将显示在这里" not in html and "将显示在这里" not in html
    assert "data-tools" in html and reverse("admin:accounts_user_changelist") in html


# --- point 14: no lock noise from the worker at start ---------------------------------------------------------
def test_a_delivery_that_finds_another_running_steps_aside_quietly(loop, caplog):
    from huey.contrib.djhuey import HUEY

    from lianxin.notify.tasks import OUTBOX_LOCK, deliver_outbox, deliver_outbox_every_minute

    loop.recorded()
    with HUEY.lock_task(OUTBOX_LOCK), caplog.at_level("WARNING"):
        assert deliver_outbox.call_local() == 0
        assert deliver_outbox_every_minute.call_local() == 0
    assert "unable to acquire lock" not in caplog.text
    assert deliver_outbox.call_local() > 0, "once the other delivery is done, the queue goes out"


def test_an_internal_note_does_not_leave_by_open311_and_an_interim_reply_does(client, loop):
    from lianxin.api.services import api_key_create

    _key, raw = api_key_create(town=loop.town, name="12345 热线")
    demand = loop.accepted()
    services.demand_note(demand=demand, actor=loop.staff, note="村民情绪激动")
    services.demand_progress(demand=demand, actor=loop.staff, reply="已报修")
    response = client.get("/open311/v2/servicerequestupdates.json", {"api_key": raw})
    assert response.status_code == 200
    text = " ".join(r["description"] for r in response.json())
    assert "已报修" in text and "情绪激动" not in text
