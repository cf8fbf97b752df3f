"""A demand transferred upward becomes a deputy's suggestion; the higher level's reply comes back to the
citizen behind it (in the app and by SMS, through the outbox)."""

from __future__ import annotations

import pytest

from lianxin.demands import services as demands
from lianxin.notify.models import OutboxMessage
from lianxin.supervision import services
from lianxin.supervision.models import Suggestion

pytestmark = pytest.mark.django_db


def test_a_transferred_demand_comes_back_with_the_reply(sup, loop, client):
    mine = loop.claimed()  # the citizen has an account
    phoned = loop.claimed(requester=None, recorded_by=loop.deputy, requester_phone="13700002222")
    for d in (mine, phoned):
        demands.demand_transfer(demand=d, actor=loop.deputy, to_level="county", note="县道拓宽需县级统筹")
    suggestion = Suggestion.objects.get()
    assert suggestion.links.count() == 2 and suggestion.deputy == loop.deputy.deputy
    assert suggestion.status == "draft"

    services.suggestion_submit(suggestion=suggestion, actor=loop.deputy, title="关于拓宽县道的建议", body="…")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    services.suggestion_reply(
        suggestion=Suggestion.objects.get(),
        actor=loop.presidium,
        reply_from="县交通运输局",
        reply="已列入明年计划",
    )
    told = OutboxMessage.objects.exclude(pk__in=before)
    assert told.filter(user=loop.citizen, channel="inapp", body__contains="已列入明年计划").exists()
    texts = [m.address for m in told.filter(user=None, channel="sms", body__contains="已列入明年计划")]
    assert texts == ["13700002222"]  # the citizen without an account, by SMS to the phone they gave

    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    services.suggestion_handle(
        suggestion=Suggestion.objects.get(), actor=loop.deputy, handling="县道拓宽工程已立项"
    )
    assert (
        OutboxMessage.objects.exclude(pk__in=before)
        .filter(user=loop.citizen, body__contains="已立项")
        .exists()
    )
    services.suggestion_evaluate(suggestion=Suggestion.objects.get(), actor=loop.deputy, verdict="satisfied")
    assert Suggestion.objects.get().verdict == "satisfied"

    # the citizen reads the reply on their demand's page
    client.force_login(loop.citizen)
    page = client.get(f"/demands/{mine.code}/")
    assert "已列入明年计划" in page.content.decode()


def test_the_draft_event_names_the_deputy_for_the_duty_record(sup, loop):
    suggestion = sup.draft()
    event = suggestion.events.get(action="draft")
    assert event.actor == loop.deputy
    # the presidium replying: the deputy who wrote it took part
    from lianxin.core.events import subscribe, unsubscribe
    from lianxin.supervision.events import SuggestionKind

    seen = []
    listener = subscribe(SuggestionKind.REPLY)(seen.append)
    try:
        services.suggestion_submit(suggestion=suggestion, actor=loop.deputy, title="t", body="b")
        services.suggestion_reply(
            suggestion=Suggestion.objects.get(pk=suggestion.pk),
            actor=loop.presidium,
            reply_from="县",
            reply="好",
        )
    finally:
        unsubscribe(listener)
    assert seen[0].data["deputies"] == [loop.deputy.deputy.pk]


def test_bad_input_is_a_400_with_the_input_kept(sup, loop, client):
    suggestion = sup.submitted()
    client.force_login(loop.presidium)
    response = client.post(
        f"/supervision/suggestions/{suggestion.pk}/reply/",
        {"reply-reply_from": "县交通局", "reply-reply": ""},
    )
    assert response.status_code == 400
    assert "县交通局" in response.content.decode()
    assert client.get(f"/supervision/suggestions/{suggestion.pk}/").status_code == 200


def test_outside_the_town_is_a_404(sup, outsider, client):
    suggestion = sup.draft()
    project = sup.adopted()
    client.force_login(outsider)
    assert client.get(f"/supervision/suggestions/{suggestion.pk}/").status_code == 404
    assert client.get(f"/supervision/projects/{project.pk}/").status_code == 404
    assert client.post(f"/supervision/projects/{project.pk}/start/").status_code == 404


def test_the_citizens_behind_a_suggestion_get_their_own_tracking_link(sup, loop, settings):
    """Issue 22: the reply reached citizens with the staff page's URL; it must be their portal page."""
    settings.PORTAL_PUBLIC_BASE_URL = "https://lx.example.cn"
    mine = loop.claimed()
    phoned = loop.claimed(requester=None, recorded_by=loop.deputy, requester_phone="13700003333")
    for d in (mine, phoned):
        demands.demand_transfer(demand=d, actor=loop.deputy, to_level="county", note="县道拓宽需县级统筹")
    services.suggestion_submit(suggestion=Suggestion.objects.get(), actor=loop.deputy, title="建议", body="…")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    services.suggestion_reply(
        suggestion=Suggestion.objects.get(),
        actor=loop.presidium,
        reply_from="县交通运输局",
        reply="已列入计划",
    )
    told = list(OutboxMessage.objects.exclude(pk__in=before))
    assert told
    for demand in (mine, phoned):
        link = f"https://lx.example.cn/m/{demand.town.code}/track/{demand.code}/"
        own = [m for m in told if m.url == link or link in m.body]
        assert own, f"no message carries {link}"
    assert not [m for m in told if f"/demands/{mine.code}/" in m.url or "/demands/" in m.body]
    texted = [m for m in told if m.channel == "sms" and m.address == "13700003333"]
    assert texted and f"/track/{phoned.code}/" in texted[0].body
