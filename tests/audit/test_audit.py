"""The audit trail: who did what, when and from where; append-only in the application and in the database;
read and exported by the audit administrator alone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianxin import audit
from lianxin.accounts.roles import Role
from lianxin.audit.models import AppendOnlyError, AuditEntry, Kind
from lianxin.audit.triggers import purge_expired
from lianxin.core import events
from lianxin.demands.models import Demand

pytestmark = pytest.mark.django_db
AUDIT_URL = "/admin/audit/auditentry/"
UPDATE = "UPDATE audit_auditentry SET action = 'forged' WHERE id = %s"


def entries(kind: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(kind=kind).order_by("pk"))


# --- writing ----------------------------------------------------------------------------------------------
def test_record_takes_who_where_and_from_where_from_the_request(rf, persona):
    presidium = persona(Role.PRESIDIUM, display_name="王主任")
    request = rf.get("/", HTTP_USER_AGENT="Mozilla/5.0 test", REMOTE_ADDR="10.1.2.3")
    request.user = presidium
    entry = audit.record(audit.REVEAL, request=request, obj=presidium, action="phone", reason="回访")
    entry.refresh_from_db()
    assert entry.user_id == presidium.pk and "王主任" in entry.user_label and entry.role == Role.PRESIDIUM
    assert entry.town_id == presidium.town_id and entry.ip == "10.1.2.3"
    assert entry.user_agent == "Mozilla/5.0 test" and entry.reason == "回访"
    assert entry.object_type == "accounts.user" and entry.object_id == str(presidium.pk)


def test_the_label_outlives_the_account(persona):
    user = persona(Role.DEPUTY, username="li-deputy")
    entry = audit.record(audit.SIGN_IN, user=user)
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.user_label == "li-deputy" and entry.user_id is not None


# --- append-only -------------------------------------------------------------------------------------------
def test_the_application_never_changes_or_deletes_an_entry(persona):
    entry = audit.record(audit.SIGN_IN, user=persona(Role.DEPUTY))
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == ""


def test_the_database_refuses_raw_update_and_delete_of_a_young_entry(persona):
    entry = audit.record(audit.SIGN_IN, user=persona(Role.DEPUTY))
    for sql in (UPDATE, "DELETE FROM audit_auditentry WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action="").exists()


def test_the_database_refuses_to_update_even_an_old_entry_but_the_purge_removes_it(persona):
    old = audit.record(audit.SIGN_IN, user=persona(Role.DEPUTY), at=timezone.now() - dt.timedelta(days=400))
    young = audit.record(audit.SIGN_IN, user=persona(Role.DEPUTY), at=timezone.now() - dt.timedelta(days=170))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute(UPDATE, [old.pk])
    assert purge_expired() == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=young.pk).exists()


# --- sources -----------------------------------------------------------------------------------------------
def test_sign_in_failure_and_sign_out_are_recorded(client, persona):
    persona(Role.PRESIDIUM, username="wang")
    client.post(reverse("login"), {"username": "wang", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("login"), {"username": "wang", "password": "pw-12345!"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("logout"))
    [failed] = entries(Kind.SIGN_IN_FAILED)
    assert failed.user_label == "wang" and failed.user_id is None and failed.ip == "10.9.9.9"
    assert "wrong" not in str(failed.details)
    [signed_in] = entries(Kind.SIGN_IN)
    assert signed_in.user_label == "wang" and signed_in.role == Role.PRESIDIUM
    assert len(entries(Kind.SIGN_OUT)) == 1


def test_the_citizens_sms_sign_in_and_its_failure_are_recorded(client, town):
    sign_in = reverse("portal:sign_in", args=[town.code])
    verify = reverse("portal:verify", args=[town.code])
    client.post(sign_in, {"phone": "13912345678"})
    assert client.post(verify, {"code": "000000"}).status_code == 400
    [failed] = entries(Kind.SIGN_IN_FAILED)
    assert failed.action == "sms" and failed.town_id == town.pk and "5678" in failed.user_label
    assert "13912345678" not in failed.user_label


def test_every_transition_of_the_demand_workflow_is_recorded(loop):
    demand = loop.claimed()
    rows = [e for e in entries(Kind.TRANSITION) if e.object_id == str(demand.pk)]
    assert [e.action for e in rows][-2:] == ["demands.record", "demands.claim"]
    claim = rows[-1]
    assert claim.user_id == loop.deputy.pk and claim.town_id == loop.town.pk
    assert claim.object_type == "demands.demand" and claim.object_label == demand.code
    assert claim.details["after"] == "claimed"


def test_a_workflow_nobody_told_the_audit_about_is_recorded_too(persona):
    """The subscriber listens to every kind of every workflow: a new app's events need no edit here."""

    class NewKinds(models.TextChoices):
        OPENED = "opened", "opened"

    user = persona(Role.PRESIDIUM)
    with transaction.atomic():
        events.publish(
            events.DomainEvent(
                kind=NewKinds.OPENED, subject=user, actor=None, at=timezone.now(), before="", after="open"
            )
        )
    [entry] = entries(Kind.TRANSITION)
    assert entry.action == "accounts.opened" and entry.user_label == "worker"
    assert entry.details["after"] == "open"


def test_an_export_is_recorded(client, loop):
    loop.recorded()
    client.force_login(loop.presidium)
    response = client.get(reverse("demands:list", args=["problem"]), {"format": "xlsx"})
    assert response.status_code == 200
    [export] = entries(Kind.EXPORT)
    assert export.user_id == loop.presidium.pk and export.action == "xlsx:problem"
    assert export.details["rows"] == Demand.objects.count()


def test_account_changes_and_admin_changes_are_recorded(client, persona):
    security = persona(Role.SECURITY_ADMIN, is_staff=True, is_superuser=True)
    citizen = persona(Role.CITIZEN)
    client.force_login(security)
    from tests.accounts.test_grants import post

    response = post(client, citizen, role="deputy")
    assert response.status_code == 302, response.content[:500]
    account = [e for e in entries(Kind.ACCOUNT) if e.action == "role"]
    assert account and account[0].details == {"before": "citizen", "after": "deputy"}
    assert account[0].user_id == security.pk and account[0].object_id == str(citizen.pk)
    [admin_change] = entries(Kind.ADMIN)
    assert admin_change.action == "change" and admin_change.object_type == "accounts.user"
    # several rows at once (the admin writes its log in bulk): one entry each
    others = [persona(Role.CITIZEN) for _ in range(2)]
    LogEntry.objects.log_actions(
        user_id=security.pk, queryset=others, action_flag=3, change_message="", single_object=False
    )
    assert len(entries(Kind.ADMIN)) == 3


# --- reading -----------------------------------------------------------------------------------------------
def test_the_audit_administrator_reads_filters_and_exports(client, persona):
    auditor = persona(Role.AUDIT_ADMIN, is_staff=True)
    deputy = persona(Role.DEPUTY)
    audit.record(audit.SIGN_IN, user=deputy)
    audit.record(audit.EXPORT, user=deputy, action="xlsx:problem")
    client.force_login(auditor)
    assert client.get(AUDIT_URL).status_code == 200
    page = client.get(AUDIT_URL, {"kind__exact": "export"})
    assert page.status_code == 200 and list(page.context["cl"].queryset) == entries(Kind.EXPORT)
    response = client.get(AUDIT_URL, {"kind__exact": "sign_in", "_export": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    who = [row[1] for row in rows[1:]]
    assert len(who) == 2 and deputy.username in who and auditor.username in who  # force_login signs in too
    entry = AuditEntry.objects.filter(kind=Kind.SIGN_IN).first()
    assert entry is not None
    assert client.get(f"{AUDIT_URL}{entry.pk}/change/").status_code == 200
    assert client.post(f"{AUDIT_URL}{entry.pk}/delete/").status_code == 403
    assert entries(Kind.EXPORT)[-1].user_id == auditor.pk  # the auditor's export is audited too


@pytest.mark.parametrize(
    "role", [Role.PRESIDIUM, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.DEPUTY, Role.COUNTY_VIEWER]
)
def test_nobody_else_reads_the_audit_trail(client, persona, role):
    entry = audit.record(audit.SIGN_IN, user=persona(Role.DEPUTY))
    client.force_login(persona(role, is_staff=True))
    for url in (AUDIT_URL, f"{AUDIT_URL}?_export=xlsx", f"{AUDIT_URL}{entry.pk}/change/"):
        assert client.get(url).status_code in (403, 404), (role, url)


def test_a_superuser_does_not_read_it_either(client, persona):
    client.force_login(persona(Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True))
    assert client.get(AUDIT_URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(AUDIT_URL).status_code == 302


def test_a_tracked_items_transition_is_recorded_without_any_edit_to_the_tracking_app():
    from lianxin.tracking.events import TrackingEvent

    assert events.subscribers(TrackingEvent.OPEN, events.TRANSACTION)  # the audit's ALL subscriber
    assert any(
        f.__module__ == "lianxin.audit.receivers"
        for f in events.subscribers(TrackingEvent.RED, "transaction")
    )
