"""Visits by deputy–observer pairs (matters become demands in one step; nothing raised still counts),
coverage, and activities entered by hand and confirmed by the presidium."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianxin.core.workflow import TransitionError
from lianxin.duty import selectors, services
from lianxin.duty.kinds import Activity, ActivityStatus, VisitStatus
from lianxin.duty.models import DutyEntry, ManualActivity

from ..factories import CategoryFactory, GridCellFactory
from .factories import local

pytestmark = pytest.mark.django_db


def test_planned_visit_logged_with_matters_and_one_becomes_a_demand(duty):
    with time_machine.travel(local(2026, 3, 9, 10), tick=False):
        visit = services.visit_plan(
            actor=duty.loop.deputy, kind="evening", cell=duty.loop.cell, planned_for=local(2026, 3, 10, 19),
            observer=duty.observer,
        )  # fmt: skip
    with time_machine.travel(local(2026, 3, 10, 21), tick=False):
        services.visit_log(
            visit=visit, actor=duty.loop.deputy, households=8, matters=["路灯不亮", "垃圾清运不及时"]
        )
        matter = visit.matters.first()
        demand = services.matter_to_demand(
            matter=matter, actor=duty.loop.deputy, category=CategoryFactory(town=duty.loop.town)
        )
        with pytest.raises(TransitionError):
            services.matter_to_demand(matter=matter, actor=duty.loop.deputy, category=demand.category)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.households == 8
    assert demand.channel == "evening_talk" and demand.cell_id == duty.loop.cell.pk
    assert DutyEntry.objects.filter(kind=Activity.EVENING_VISIT).count() == 1


def test_a_visit_with_nothing_raised_still_counts(duty):
    services.visit_record(
        actor=duty.loop.deputy, kind="door", cell=duty.loop.cell, done_at=local(2026, 3, 10, 10), households=3
    )
    assert DutyEntry.objects.filter(kind=Activity.VISIT, deputy=duty.deputy).count() == 1


def test_staggered_and_evening_visits_keep_their_hours(duty):
    with pytest.raises(ValidationError):  # Tuesday 10:00 is office hours
        services.visit_record(
            actor=duty.loop.deputy,
            kind="staggered",
            cell=duty.loop.cell,
            done_at=local(2026, 3, 10, 10),
            households=2,
        )
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=duty.loop.deputy,
            kind="evening",
            cell=duty.loop.cell,
            done_at=local(2026, 3, 10, 15),
            households=2,
        )
    services.visit_record(
        actor=duty.loop.deputy,
        kind="staggered",
        cell=duty.loop.cell,
        done_at=local(2026, 3, 10, 18, 30),
        households=2,
    )


def test_only_an_observer_paired_with_the_deputy_goes_along(duty):
    from ..factories import ObserverFactory

    stranger = ObserverFactory(town=duty.loop.town, deputy=duty.other, cell=duty.loop.cell)
    with pytest.raises(ValidationError):
        services.visit_plan(
            actor=duty.loop.deputy,
            kind="door",
            cell=duty.loop.cell,
            planned_for=local(2026, 3, 10, 10),
            observer=stranger,
        )


def test_coverage_lists_cells_not_visited_in_n_days(duty):
    far = GridCellFactory(town=duty.loop.town)
    services.visit_record(
        actor=duty.loop.deputy, kind="door", cell=duty.loop.cell, done_at=local(2026, 3, 10, 10), households=3
    )
    with time_machine.travel(local(2026, 3, 20, 10), tick=False):
        rows = {r.cell.pk: r for r in selectors.coverage(user=duty.loop.presidium, days=30)}
        stale_later = {r.cell.pk for r in selectors.coverage(user=duty.loop.presidium, days=5) if r.stale}
    assert not rows[duty.loop.cell.pk].stale and rows[duty.loop.cell.pk].households == 3
    assert rows[far.pk].stale
    assert duty.loop.cell.pk in stale_later


def test_hand_entered_activity_needs_evidence_and_counts_once_confirmed(duty, client):
    with pytest.raises(ValidationError):
        services.activity_submit(
            actor=duty.loop.deputy, kind="training", title="培训", happened_on=dt.date(2026, 3, 1)
        )
    client.force_login(duty.loop.deputy)
    page = client.post(
        reverse("duty:activities"), {"kind": "policy_talk", "title": "宣讲", "happened_on": "2026-03-01"}
    )
    assert page.status_code == 400 and 'value="宣讲"' in page.content.decode()
    client.post(
        reverse("duty:activities"),
        {"kind": "policy_talk", "title": "宣讲", "happened_on": "2026-03-01", "evidence_note": "照片两张"},
    )
    activity = ManualActivity.objects.get()
    assert not DutyEntry.objects.exists()
    refused = client.post(reverse("duty:activity_act", args=[activity.pk, "activity_confirm"]))
    assert refused.status_code == 403 and not DutyEntry.objects.exists()  # a deputy cannot confirm their own
    with pytest.raises(PermissionDenied):
        services.activity_confirm(activity=activity, actor=duty.loop.deputy)
    client.force_login(duty.loop.presidium)
    client.post(reverse("duty:activity_act", args=[activity.pk, "activity_confirm"]), {"note": "属实"})
    assert DutyEntry.objects.get().kind == Activity.POLICY_TALK


def test_an_activity_not_confirmed_needs_a_reason_and_a_second_decision_is_said_on_the_list(duty, client):
    activity = services.activity_submit(
        actor=duty.loop.deputy,
        kind="policy_talk",
        title="宣讲",
        happened_on=dt.date(2026, 3, 1),
        evidence_note="照片两张",
    )
    client.force_login(duty.loop.presidium)
    url = reverse("duty:activity_act", args=[activity.pk, "activity_reject"])
    blank = client.post(url, {"activity_reject-reason": " "})
    assert blank.status_code == 400
    assert "请告诉代表不予确认的原因。" in blank.content.decode()  # the move's own words, translated
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    assert client.post(url, {"activity_reject-reason": "没有签到"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.decision_note) == (ActivityStatus.REJECTED, "没有签到")
    again = client.post(reverse("duty:activity_act", args=[activity.pk, "activity_confirm"]))
    assert again.status_code == 302 and again["Location"] == reverse("duty:activities")
    said = [(m.level_tag, str(m)) for m in get_messages(again.wsgi_request)]
    assert said[-1][0] == "error", said
    assert not DutyEntry.objects.exists()


def test_pages_answer_for_deputy_and_presidium_and_refuse_outsiders(duty, client, outsider):
    visit = services.visit_record(
        actor=duty.loop.deputy, kind="door", cell=duty.loop.cell, done_at=local(2026, 3, 10, 10), households=3
    )
    pages = ["duty:home", "duty:visits", "duty:coverage", "duty:activities"]
    for user in (duty.loop.deputy, duty.loop.presidium):
        client.force_login(user)
        for name in pages:
            assert client.get(reverse(name)).status_code == 200, name
        assert client.get(reverse("duty:visit", args=[visit.pk])).status_code == 200
    client.force_login(duty.loop.presidium)
    for name in ("duty:rota", "duty:rankings", "duty:weights"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("duty:station_qr", args=[duty.station.pk])).status_code == 200
    client.force_login(duty.loop.deputy)
    assert client.get(reverse("duty:rota")).status_code == 403
    client.force_login(duty.loop.other_deputy)
    assert client.get(reverse("duty:visit", args=[visit.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("duty:visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("duty:profile", args=[duty.deputy.pk])).status_code == 404


def test_evidence_file_is_checked_and_read_only_in_scope(duty, client, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "PNG")
    client.force_login(duty.loop.deputy)
    upload = SimpleUploadedFile("签到表.png", buf.getvalue(), content_type="image/png")
    page = client.post(
        reverse("duty:activities"),
        {"kind": "training", "title": "培训", "happened_on": "2026-03-01", "evidence": upload},
    )
    assert page.status_code == 302
    activity = ManualActivity.objects.get()
    assert activity.evidence and "签到表" not in activity.evidence.name  # stored under a random name
    url = reverse("duty:activity_evidence", args=[activity.pk])
    served = client.get(url)
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    stored = Image.open(io.BytesIO(body))  # what was stored is the picture sent, re-encoded
    assert stored.size == (20, 20) and stored.convert("RGB").getpixel((10, 10)) == (255, 0, 0)
    client.force_login(duty.loop.presidium)
    assert client.get(url).status_code == 200
    client.force_login(duty.loop.other_deputy)
    assert client.get(url).status_code == 404
