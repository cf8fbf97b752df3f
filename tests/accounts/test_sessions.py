"""Sign-in and sessions: the staff password policy, the lockout behind a proxy, the idle timeout, sessions
ended by a disabled account or a new password, the second factor, and what a new account gets from its role."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.accounts.client_ip import client_ip
from lianxin.accounts.models import User
from lianxin.accounts.provisioning import ADMIN_GROUPS
from lianxin.accounts.roles import SECOND_FACTOR_ROLES, Role
from lianxin.audit.models import AuditEntry, Kind

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def workbench() -> str:
    return reverse("demands:overview")


# --- password policy ------------------------------------------------------------------------------------
@pytest.mark.parametrize("weak", ["short1!", "alllowercaseletters", "1234567890123", "zhangwei-Abc123"])
def test_weak_staff_passwords_are_refused(weak):
    user = User(username="zhangwei", role=Role.PRESIDIUM)
    with pytest.raises(ValidationError):
        validate_password(weak, user)


def test_a_long_mixed_password_is_accepted():
    validate_password("Lantern-river-42", User(username="zhangwei", role=Role.PRESIDIUM))


# --- the lockout behind a proxy ---------------------------------------------------------------------------
def test_the_client_address_is_read_from_the_proxys_header_counting_from_the_right(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "10.0.0.1"  # no header configured: the connection's address
    settings.AXES_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(request) == "203.0.113.7"  # the spoofed left entry is never believed
    settings.AXES_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.AXES_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"  # fewer entries than proxies: the connection's address
    settings.AXES_TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"


@override_settings(AXES_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", AXES_FAILURE_LIMIT=3)
def test_the_lockout_locks_the_visitor_not_the_proxy(client, persona):
    persona(Role.PRESIDIUM, username="wang")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        client.post(
            reverse("login"), {"username": "wang", "password": "no"}, HTTP_X_FORWARDED_FOR="1.1.1.1", **proxy
        )
    locked = client.post(
        reverse("login"),
        {"username": "wang", "password": "pw-12345!"},
        HTTP_X_FORWARDED_FOR="1.1.1.1",
        **proxy,
    )
    assert locked.status_code == 429
    other = client.post(
        reverse("login"),
        {"username": "wang", "password": "pw-12345!"},
        HTTP_X_FORWARDED_FOR="2.2.2.2",
        **proxy,
    )
    assert other.status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"1.1.1.1"}
    assert AuditEntry.objects.filter(kind=Kind.SIGN_IN_FAILED, ip="1.1.1.1").count() >= 3


# --- idle timeout -----------------------------------------------------------------------------------------
@override_settings(STAFF_IDLE_MINUTES=30)
def test_an_idle_staff_session_is_signed_out(client, persona):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(persona(Role.PRESIDIUM))
        assert client.get(workbench()).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(workbench()).status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(workbench()).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(workbench())
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.get(workbench()).status_code == 302  # signed out, not just bounced once
        assert AuditEntry.objects.filter(kind=Kind.SIGN_OUT).count() == 1


@override_settings(STAFF_IDLE_MINUTES=30)
def test_a_citizens_session_has_no_staff_idle_timeout(client, town, persona):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(persona(Role.CITIZEN))
        mine = reverse("portal:mine", args=[town.code])
        assert client.get(mine).status_code == 200
        clock.shift(dt.timedelta(hours=3))
        assert client.get(mine).status_code == 200


# --- sessions ended -------------------------------------------------------------------------------------
def test_disabling_an_account_ends_its_sessions(client, persona):
    user = persona(Role.PRESIDIUM)
    client.force_login(user)
    assert client.get(workbench()).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(workbench()).status_code == 302


def test_a_new_password_ends_the_other_sessions(client, persona):
    user = persona(Role.PRESIDIUM)
    client.force_login(user)
    assert client.get(workbench()).status_code == 200
    user.set_password("Another-river-43")
    user.save()
    assert client.get(workbench()).status_code == 302


# --- second factor --------------------------------------------------------------------------------------
def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@override_settings(OTP_REQUIRED=True)
def test_the_presidium_enrols_then_gives_a_code_at_each_sign_in(client, persona):
    user = persona(Role.PRESIDIUM)
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        response = client.get(workbench())
        enrol = reverse("accounts:second_factor")
        assert response.status_code == 302 and response["Location"].startswith(enrol)
        page = client.get(response["Location"])
        assert page.status_code == 200 and page.context["qr"].startswith("data:image/svg+xml")
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        wrong = client.post(enrol, {"token": "000000", "next": workbench()})
        assert wrong.status_code == 400 and "token" in wrong.context["form"].errors
        clock.shift(dt.timedelta(seconds=5))  # django-otp throttles the next try after a wrong code
        ok = client.post(enrol, {"token": _code(device), "next": workbench()})
        assert ok.status_code == 302 and ok["Location"] == workbench()
        assert client.get(workbench()).status_code == 200
        # a new sign-in: the code again, never a new enrolment
        clock.shift(dt.timedelta(minutes=2))
        client.logout()
        client.force_login(user)
        held = client.get(workbench())
        verify = reverse("accounts:second_factor_verify")
        assert held.status_code == 302 and held["Location"].startswith(verify)
        assert client.get(enrol)["Location"].startswith(verify)
        assert client.post(verify, {"token": "000000"}).status_code == 400
        assert AuditEntry.objects.filter(kind=Kind.SIGN_IN_FAILED, action="totp").count() == 1
        clock.shift(dt.timedelta(seconds=5))
        device.refresh_from_db()
        assert client.post(verify, {"token": _code(device), "next": workbench()}).status_code == 302
        assert client.get(workbench()).status_code == 200


@override_settings(OTP_REQUIRED=True)
def test_the_admin_is_held_too_and_a_deputy_is_not(client, persona):
    client.force_login(persona(Role.SECURITY_ADMIN))
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:second_factor"))
    client.force_login(persona(Role.DEPUTY))
    assert client.get(workbench()).status_code == 200


def test_the_required_roles_are_the_three_administrators_and_the_presidium():
    assert {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.PRESIDIUM} == SECOND_FACTOR_ROLES


def test_a_fresh_install_requires_the_second_factor():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("OTP_REQUIRED", "DJANGO_SETTINGS_MODULE")}
    out = subprocess.run(
        [sys.executable, "-c", "import config.settings.base as s; print(s.OTP_REQUIRED)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().endswith("True")


# --- a new account's permissions come from its role -------------------------------------------------------
@pytest.mark.parametrize("role", sorted(ADMIN_GROUPS))
def test_a_new_staff_account_gets_its_roles_group(persona, role):
    user = persona(role)
    user.refresh_from_db()
    name = ADMIN_GROUPS[role][0]
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == [name]
    assert user.groups.get().permissions.exists()


def test_a_citizen_gets_no_group_and_no_staff_access(persona):
    user = persona(Role.CITIZEN)
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


def test_a_new_presidium_account_can_use_the_admin(client, persona):
    client.force_login(persona(Role.PRESIDIUM))
    assert client.get(reverse("admin:demands_demand_changelist")).status_code == 200
