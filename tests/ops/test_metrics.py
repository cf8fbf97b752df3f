"""/metrics: closed to all but the monitor (token or address list), with the domain's gauges (issue 24)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from lianxin.demands.models import Assignment
from lianxin.insight.models import EarlyWarning
from lianxin.jobs.models import Job
from lianxin.notify.models import OutboxMessage
from lianxin.ops.beat import worker_beat
from lianxin.tracking import services as tracking

TOKEN = "scrape-token-for-tests-only"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client, **headers) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def test_without_the_token_or_from_elsewhere_metrics_is_a_plain_404(client, db, settings, token):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 404
    page = client.get("/metrics").content.decode()
    assert "lianxin_" not in page and "页面不存在" in page  # the site's own 404, as for any unknown address
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404  # unset: nobody


def test_an_allowed_network_scrapes_without_a_token(client, db, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["192.0.2.0/24", "2001:db8::/32"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 404
    # Behind our proxy: the address the proxy wrote counts, not a client's own entry further left.
    settings.AXES_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.9", **via_proxy).status_code == 200
    spoofed = "192.0.2.9, 198.51.100.7"
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=spoofed, **via_proxy).status_code == 404


def test_the_gauges_count_what_is_there(client, loop, other_town, token):
    now = timezone.now()
    town, code = loop.town, loop.town.code
    # Overdue: one assignment past its deadline, one not yet due; one tracked item past due.
    late, on_time = loop.assigned(), loop.assigned()
    Assignment.objects.filter(demand=late).update(due_at=now - dt.timedelta(hours=2))
    Assignment.objects.filter(demand=on_time).update(due_at=now + dt.timedelta(days=2))
    item = tracking.tracked_item_open(
        town=town,
        origin="manual",
        title="清理排水沟",
        department=loop.department,
        due_at=now + dt.timedelta(days=1),
    )
    type(item).objects.filter(pk=item.pk).update(due_at=now - dt.timedelta(days=1))
    # The outbox: what the loop queued, plus two texts and a webhook given up on.
    OutboxMessage.objects.all().update(status="sent")
    OutboxMessage.objects.create(town=town, channel="sms", address="13912345678", subject="s", body="b")
    old = OutboxMessage.objects.create(town=town, channel="sms", address="13912345678", subject="s", body="b")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(minutes=30))
    OutboxMessage.objects.create(
        town=town, channel="sms", address="1391", subject="s", body="b", status="failed"
    )
    OutboxMessage.objects.create(town=town, channel="webhook", subject="s", body="b", status="failed")
    # Jobs: one running, one failed today, one failed long ago.
    Job.objects.create(kind="x", title="r", state="running", started_at=now)
    Job.objects.create(kind="x", title="f", state="failed", finished_at=now - dt.timedelta(hours=1))
    Job.objects.create(kind="x", title="f", state="failed", finished_at=now - dt.timedelta(days=3))
    # Early warnings: two open in this town, one dismissed; one open in the other town.
    for town_, status in ((town, "open"), (town, "open"), (town, "dismissed"), (other_town, "open")):
        EarlyWarning.objects.create(
            town=town_, kind="rising", key=f"k-{status}-{town_.pk}-{EarlyWarning.objects.count()}", title="积水",
            window_start=now - dt.timedelta(days=7), window_end=now, observed=5, status=status, reason="已处理",
        )  # fmt: skip
    worker_beat()

    m = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert m[("lianxin_overdue_items", (("kind", "demands.assignment"), ("town", code)))] == 1
    assert m[("lianxin_overdue_items", (("kind", "tracking.item"), ("town", code)))] == 1
    assert m[("lianxin_outbox_pending", (("channel", "sms"),))] == 2
    assert m[("lianxin_outbox_pending", (("channel", "email"),))] == 0
    assert m[("lianxin_outbox_failed", (("channel", "sms"),))] == 1
    assert m[("lianxin_outbox_failed", (("channel", "webhook"),))] == 1
    assert 30 * 60 <= m[("lianxin_outbox_oldest_pending_age_seconds", ())] < 40 * 60
    assert m[("lianxin_jobs", (("state", "running"),))] == 1
    assert m[("lianxin_jobs", (("state", "failed"),))] == 2
    assert m[("lianxin_jobs_failed_last_day", ())] == 1
    assert m[("lianxin_early_warnings_open", (("town", code),))] == 2
    assert m[("lianxin_early_warnings_open", (("town", other_town.code),))] == 1
    assert 0 <= m[("lianxin_worker_heartbeat_age_seconds", ())] < 60
    assert m[("lianxin_webhook_deliveries_pending", ())] == 0
    # django-prometheus's request metrics, from its middleware
    assert any(name.startswith("django_http_requests_total") for name, _ in m)


def test_a_worker_never_heard_of_reads_minus_one(client, db, token):
    m = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert m[("lianxin_worker_heartbeat_age_seconds", ())] == -1
    assert m[("lianxin_outbox_oldest_pending_age_seconds", ())] == 0
