"""三员分立 in the admin: the system administrator manages accounts but grants no role that reads case files or
personal data, no staff access, group or permission, and never superuser status, to itself or anyone; the
security administrator makes those grants (never to itself); the audit administrator reads every change."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import SplitDateTimeWidget
from django.urls import reverse

from lianxin.accounts.models import AccountChange, User
from lianxin.accounts.roles import CAPABILITIES, Capability, Role, is_privileged

pytestmark = pytest.mark.django_db


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def form_data(client, user: User, **changes: Any) -> dict[str, Any]:
    """What the change page's form would post back unchanged, with ``changes`` on top."""
    page = client.get(change_url(user))
    assert page.status_code == 200
    data: dict[str, Any] = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        if isinstance(bound.field.widget, SplitDateTimeWidget):
            parts = bound.field.widget.decompress(value)
            data[f"{bound.name}_0"] = parts[0].strftime("%Y-%m-%d") if parts[0] else ""
            data[f"{bound.name}_1"] = parts[1].strftime("%H:%M:%S") if parts[1] else ""
        elif isinstance(value, bool):
            if value:
                data[bound.name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.name] = [str(v) for v in value]
        elif value is not None:
            data[bound.name] = str(value)
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def post(client, user: User, **changes: Any) -> Any:
    return client.post(change_url(user), form_data(client, user, **changes))


def test_privileged_roles_are_those_that_read_cases_or_personal_data_or_administer():
    assert {r for r in Role if is_privileged(r)} == set(Role) - {Role.CITIZEN, Role.OBSERVER, Role.AGENT}
    assert [r for r in Role if Capability.GRANT_ROLES in CAPABILITIES[r]] == [Role.SECURITY_ADMIN]


# --- the probe: the system administrator promotes itself ------------------------------------------------
def test_the_system_administrator_cannot_promote_itself(client, demo_user):
    sysadmin = demo_user("sysadmin")
    town = demo_user("presidium").town
    client.force_login(sysadmin)
    page = client.get(change_url(sysadmin))
    offered = page.context["adminform"].form.fields
    assert "is_superuser" not in offered  # the form has no such field for the system administrator
    if "role" in offered:
        assert "presidium" not in {str(v) for v, _label in offered["role"].choices}
    r = client.post(
        change_url(sysadmin), form_data(client, sysadmin, role="presidium", town=town.pk, is_superuser="on")
    )
    # either refused on the page with the role in error, or saved without the fields it may not set
    form = r.context["adminform"].form if r.status_code == 200 else None
    assert r.status_code == 302 or (form is not None and "role" in form.errors), r.status_code
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSTEM_ADMIN and sysadmin.town is None and not sysadmin.is_superuser
    client.force_login(sysadmin)
    assert client.get(reverse("demands:overview")).status_code == 403


def test_the_system_administrator_grants_no_privileged_role_to_anyone(client, demo_user):
    citizen = demo_user("citizen")
    client.force_login(demo_user("sysadmin"))
    for role in ("presidium", "deputy", "department", "county_viewer", "security_admin", "audit_admin"):
        r = post(client, citizen, role=role)
        assert r.status_code == 200, role  # the page again, with the refusal on it
        assert "role" in r.context["adminform"].form.errors, role
        assert role in str(r.context["adminform"].form.errors["role"]), role  # says which value is refused
        citizen.refresh_from_db()
        assert citizen.role == Role.CITIZEN, role


def test_the_system_administrator_grants_no_staff_access_group_or_permission(client, demo_user):
    from django.contrib.auth.models import Group, Permission

    citizen = demo_user("citizen")
    presidium_group = Group.objects.get(name="镇人大办")
    client.force_login(demo_user("sysadmin"))
    view_demand = Permission.objects.get(codename="view_demand")
    offered = client.get(change_url(citizen)).context["adminform"].form.fields
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(offered)  # not on the form
    r = post(
        client,
        citizen,
        is_staff="on",
        groups=[str(presidium_group.pk)],
        user_permissions=[str(view_demand.pk)],
    )
    assert r.status_code == 302  # the fields it may not set are ignored, the rest saved
    citizen.refresh_from_db()
    assert not citizen.is_staff and not citizen.groups.exists() and not citizen.user_permissions.exists()
    page = client.get(reverse("admin:auth_group_change", args=[presidium_group.pk]))
    assert page.status_code == 403 or (
        page.status_code == 200 and 'name="permissions"' not in page.content.decode()
    )
    refused = client.post(
        reverse("admin:auth_group_change", args=[presidium_group.pk]),
        {"name": "镇人大办", "permissions": [str(view_demand.pk)]},
    )
    assert refused.status_code == 403
    assert presidium_group.permissions.count() > 1, "the group was not rewritten"


def test_the_system_administrator_still_manages_plain_accounts(client, demo_user):
    citizen = demo_user("citizen")
    client.force_login(demo_user("sysadmin"))
    r = post(client, citizen, role="agent", display_name="代办员新")
    assert r.status_code == 302, r.content.decode()[:2000]
    citizen.refresh_from_db()
    assert citizen.role == Role.AGENT and citizen.display_name == "代办员新"
    assert client.get(password_url(citizen)).status_code == 200


def test_the_system_administrator_cannot_set_a_privileged_users_password(client, demo_user):
    client.force_login(demo_user("sysadmin"))
    for username in ("presidium", "deputy", "secadmin", "auditor"):
        target = demo_user(username)
        assert client.get(password_url(target)).status_code == 403, username
        r = client.post(password_url(target), {"password1": "Takeover-2026!", "password2": "Takeover-2026!"})
        assert r.status_code == 403
        target.refresh_from_db()
        assert not target.check_password("Takeover-2026!")


def test_the_system_administrator_cannot_move_a_presidium_account_to_another_town(client, demo_user):
    from tests.factories import TownFactory

    presidium = demo_user("presidium")
    before = presidium.town_id
    elsewhere = TownFactory()
    client.force_login(demo_user("sysadmin"))
    post(client, presidium, town=str(elsewhere.pk))
    presidium.refresh_from_db()
    assert presidium.town_id == before


# --- the security administrator grants, never to itself -------------------------------------------------
def test_the_security_administrator_grants_a_role_and_the_auditor_reads_it(client, demo_user):
    citizen = demo_user("citizen")
    secadmin = demo_user("secadmin")
    client.force_login(secadmin)
    r = post(client, citizen, role="presidium", is_staff="on")
    assert r.status_code == 302, r.content.decode()[:2000]
    citizen.refresh_from_db()
    assert citizen.role == Role.PRESIDIUM and citizen.is_staff
    record = AccountChange.objects.get(user=citizen, field="role")
    assert (record.actor, record.before, record.after) == (secadmin, "citizen", "presidium")
    assert AccountChange.objects.filter(user=citizen, field="is_staff", after="True").exists()

    client.force_login(demo_user("auditor"))
    index = client.get("/admin/").content.decode()
    assert reverse("admin:accounts_accountchange_changelist") in index
    assert reverse("admin:admin_logentry_changelist") in index
    listing = client.get(reverse("admin:accounts_accountchange_changelist")).content.decode()
    assert citizen.username in listing and "presidium" in listing
    log = client.get(reverse("admin:admin_logentry_changelist"))
    assert log.status_code == 200
    entry = log.context["cl"].result_list[0]
    assert client.get(reverse("admin:admin_logentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_accountchange_change", args=[record.pk])).status_code == 200


def test_the_security_administrator_cannot_grant_itself_or_make_a_superuser(client, demo_user):
    secadmin = demo_user("secadmin")
    citizen = demo_user("citizen")
    town = demo_user("presidium").town
    client.force_login(secadmin)
    post(client, secadmin, role="presidium", town=str(town.pk))
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECURITY_ADMIN and secadmin.town is None
    post(client, citizen, is_superuser="on")
    citizen.refresh_from_db()
    assert not citizen.is_superuser


def test_a_password_reset_by_an_administrator_is_recorded(client, demo_user):
    citizen = demo_user("citizen")
    sysadmin = demo_user("sysadmin")
    client.force_login(sysadmin)
    r = client.post(
        password_url(citizen),
        {"password1": "Neu-Passwort-2026!", "password2": "Neu-Passwort-2026!", "usable_password": "true"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert AccountChange.objects.filter(user=citizen, actor=sysadmin, field="password").exists()


@pytest.mark.parametrize("username", ["sysadmin", "secadmin", "presidium"])
def test_only_the_auditor_reads_the_trail(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(reverse("admin:accounts_accountchange_changelist")).status_code == 403
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 403


def test_nobody_edits_the_trail(client, demo_user):
    citizen = demo_user("citizen")
    client.force_login(demo_user("secadmin"))
    post(client, citizen, role="agent")
    record = AccountChange.objects.filter(user=citizen).first()
    client.force_login(demo_user("auditor"))
    assert (
        client.post(
            reverse("admin:accounts_accountchange_delete", args=[record.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccountChange.objects.filter(pk=record.pk).exists()


def test_a_town_user_made_by_the_sysadmin_is_recorded_too(client, demo_user):
    sysadmin = demo_user("sysadmin")
    client.force_login(sysadmin)
    town = demo_user("citizen").town
    r = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "password1": "Neu-Passwort-2026!",
            "password2": "Neu-Passwort-2026!",
            "usable_password": "true",
            "role": "citizen",
            "town": str(town.pk),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.role == Role.CITIZEN and not newcomer.is_staff
    assert AccountChange.objects.filter(user=newcomer, actor=sysadmin, field="role", after="citizen").exists()
    r = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "boss", "password1": "Neu-Passwort-2026!", "password2": "Neu-Passwort-2026!",
         "usable_password": "true", "role": "presidium", "town": str(town.pk)},
    )  # fmt: skip
    assert not User.objects.filter(username="boss").exists()
