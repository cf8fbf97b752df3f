"""Tracking without an account, SMS sign-in, and the citizen's evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from lianxin.accounts import services as accounts
from lianxin.accounts.models import LoginCode, User
from lianxin.core.fields import lookup_hash
from lianxin.demands import services as demand_services
from lianxin.demands.models import Demand, Evaluation

from .sms import last_code

pytestmark = pytest.mark.django_db
PHONE = "13912340001"


def raise_demand(pt, **kw):
    """A completed demand raised on the mobile page, without an account."""
    return pt.loop.completed(
        recorded_by=None, requester=None, requester_phone=PHONE, requester_name="王秀英", **kw
    )


def track(client, pt, code, last4):
    return client.post(reverse("portal:track", args=[pt.town.code]), {"code": code, "last4": last4})


def tracked_url(pt, demand):
    return reverse("portal:tracked", args=[pt.town.code, demand.code])


def test_code_and_last_four_digits_open_the_status_and_timeline(client, portal_town):
    demand = raise_demand(portal_town)
    r = track(client, portal_town, demand.code.lower(), "0001")
    assert r.status_code == 302 and r.url == tracked_url(portal_town, demand)
    page = client.get(r.url).content.decode()
    assert demand.title in page
    assert "已办结" in page or "completed" in page
    assert "已疏通" in page  # the department's result
    assert "代表已接单" in page  # the timeline
    assert PHONE not in page and "王秀英" not in page
    assert "139****0001" in page and "王**" in page


def test_wrong_digits_say_so_and_keep_the_code(client, portal_town):
    demand = raise_demand(portal_town)
    r = track(client, portal_town, demand.code, "9999")
    assert r.status_code == 400
    html = r.content.decode()
    assert "不匹配" in html
    assert demand.code in html
    assert client.get(tracked_url(portal_town, demand)).status_code == 404


def test_wrong_guesses_are_rate_limited_even_with_the_right_digits_after(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    for _ in range(3):
        assert track(client, portal_town, demand.code, "1111").status_code == 400
    r = track(client, portal_town, demand.code, "0001")
    assert r.status_code == 429
    assert "输错次数过多" in r.content.decode()


def test_guesses_at_one_code_from_many_addresses_are_limited_too(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    url = reverse("portal:track", args=[portal_town.town.code])
    for i in range(3):
        client.post(url, {"code": demand.code, "last4": "1111"}, REMOTE_ADDR=f"10.0.0.{i}")
    r = client.post(url, {"code": demand.code, "last4": "2222"}, REMOTE_ADDR="10.0.0.99")
    assert r.status_code == 429
    assert "输错次数过多" in r.content.decode()


def test_a_code_locked_by_strangers_refuses_its_citizen_too_until_the_window_passes(
    client, portal_town, settings
):
    """Anyone can fill the count at a code; while it is full the right digits get the wrong digits' answer
    (else the lock would still tell right from wrong), and the citizen is texted about it."""
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    url = reverse("portal:track", args=[portal_town.town.code])
    for i in range(5):
        client.post(url, {"code": demand.code, "last4": "1111"}, REMOTE_ADDR=f"10.0.0.{i}")
    r = client.post(url, {"code": demand.code, "last4": "0001"}, REMOTE_ADDR="10.0.0.99")
    assert r.status_code == 429
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
        r = client.post(url, {"code": demand.code, "last4": "0001"}, REMOTE_ADDR="10.0.0.99")
        assert r.status_code == 302 and r.url == tracked_url(portal_town, demand)


def test_an_unknown_code_looks_like_wrong_digits(client, portal_town):
    r = track(client, portal_town, "NOSUCHCODE", "0001")
    assert r.status_code == 400
    assert "不匹配" in r.content.decode()


def test_a_demand_of_another_town_is_not_found_by_code(client, portal_town):
    from tests.loop import Loop

    other = Loop.build().recorded(requester_phone=PHONE)
    assert track(client, portal_town, other.code, "0001").status_code == 400


def test_the_anonymous_tracker_confirms_by_sms_and_evaluates(client, portal_town, sms):
    demand = raise_demand(portal_town)
    track(client, portal_town, demand.code, "0001")
    page = client.get(tracked_url(portal_town, demand)).content.decode()
    assert "发送验证码" in page and 'name="verdict"' not in page
    r = client.post(reverse("portal:confirm_phone", args=[portal_town.town.code, demand.code]))
    assert r.url == reverse("portal:verify", args=[portal_town.town.code])
    assert PHONE not in client.get(r.url).content.decode()
    r = client.post(r.url, {"code": last_code(PHONE)})
    assert r.url == tracked_url(portal_town, demand)
    user = User.objects.get(phone_hash=lookup_hash(PHONE))
    assert user.role == "citizen" and user.town == portal_town.town
    assert PHONE not in user.username
    demand.refresh_from_db()
    assert demand.requester == user
    r = client.post(
        reverse("portal:evaluate", args=[portal_town.town.code, demand.code]),
        {"verdict": "unsatisfied", "comment": ""},
    )
    assert r.status_code == 400
    assert "还有什么问题" in r.content.decode() or "请告诉我们" in r.content.decode()
    r = client.post(
        reverse("portal:evaluate", args=[portal_town.town.code, demand.code]),
        {"verdict": "unsatisfied", "comment": "路灯还是不亮"},
    )
    assert r.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "returned"
    assert Evaluation.objects.get(demand=demand).comment == "路灯还是不亮"


def test_satisfied_evaluation_moves_the_demand_on(client, portal_town):
    demand = raise_demand(portal_town)
    user = accounts.citizen_for_phone(town=portal_town.town, phone=PHONE)
    demand_services.demands_link_requester(user=user)  # what the sign-in page does after the code
    client.force_login(user)
    r = client.post(
        reverse("portal:evaluate", args=[portal_town.town.code, demand.code]), {"verdict": "satisfied"}
    )
    assert r.status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == "evaluated"


def test_someone_elses_account_cannot_evaluate_or_see(client, portal_town):
    demand = raise_demand(portal_town)
    stranger = accounts.citizen_for_phone(town=portal_town.town, phone="13700001111")
    client.force_login(stranger)
    assert client.get(tracked_url(portal_town, demand)).status_code == 404
    r = client.post(
        reverse("portal:evaluate", args=[portal_town.town.code, demand.code]), {"verdict": "satisfied"}
    )
    assert r.status_code == 404
    assert Demand.objects.get(pk=demand.pk).status == "completed"


def test_sign_in_by_sms_lists_my_demands(client, portal_town, sms):
    demand = raise_demand(portal_town)
    r = client.post(reverse("portal:sign_in", args=[portal_town.town.code]), {"phone": "139 1234 0001"})
    assert r.status_code == 302
    r = client.post(r.url, {"code": last_code(PHONE)})
    assert r.url == reverse("portal:mine", args=[portal_town.town.code])
    assert demand.code in client.get(r.url).content.decode()


def test_a_bad_phone_is_refused_in_chinese(client, portal_town, sms):
    r = client.post(reverse("portal:sign_in", args=[portal_town.town.code]), {"phone": "12345"})
    assert r.status_code == 400
    assert "11 位手机号码" in r.content.decode()
    assert not sms.SENT


def test_codes_are_stored_hashed(portal_town, sms):
    accounts.login_code_send(town=portal_town.town, phone=PHONE)
    code = last_code(PHONE)
    row = LoginCode.objects.get()
    assert code not in row.code_hash and PHONE not in row.phone_hash


def test_a_code_expires(portal_town, sms):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        accounts.login_code_send(town=portal_town.town, phone=PHONE)
    with (
        time_machine.travel(dt.datetime(2025, 3, 1, 9, 6, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError),
    ):
        accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=last_code(PHONE))


def test_a_code_allows_few_wrong_tries_then_dies(portal_town, sms, settings):
    settings.LOGIN_CODE_MAX_ATTEMPTS = 3
    accounts.login_code_send(town=portal_town.town, phone=PHONE)
    good = last_code(PHONE)
    bad = "000000" if good != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(ValidationError):
            accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=bad)
    with pytest.raises(ValidationError):
        accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=good)


def test_a_code_works_once_and_a_new_code_voids_the_old(portal_town, sms):
    accounts.login_code_send(town=portal_town.town, phone=PHONE)
    first = last_code(PHONE)
    accounts.login_code_send(town=portal_town.town, phone=PHONE)
    second = last_code(PHONE)
    if first != second:
        with pytest.raises(ValidationError):
            accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=first)
    user = accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=second)
    with pytest.raises(ValidationError):
        accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=second)
    assert user.role == "citizen"
    # the second sign-in finds the same account
    accounts.login_code_send(town=portal_town.town, phone=PHONE)
    again = accounts.login_code_verify(town=portal_town.town, phone=PHONE, code=last_code(PHONE))
    assert again.pk == user.pk


def test_codes_asked_for_too_often_are_limited(client, portal_town, sms, settings):
    settings.PORTAL_SMS_RATE = "2/h"
    url = reverse("portal:sign_in", args=[portal_town.town.code])
    for _ in range(2):
        assert client.post(url, {"phone": PHONE}).status_code == 302
    assert client.post(url, {"phone": PHONE}).status_code == 429
    assert len(sms.SENT) == 2


def test_verify_without_a_pending_sign_in_goes_back(client, portal_town):
    r = client.get(reverse("portal:verify", args=[portal_town.town.code]))
    assert r.status_code == 302
