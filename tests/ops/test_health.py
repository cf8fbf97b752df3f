"""/healthz and /readyz: the JSON, the status codes, and each check failing for real (issue 24, part 1)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from lianxin.jobs.models import Job
from lianxin.notify.models import OutboxMessage
from lianxin.ops.beat import worker_beat
from lianxin.ops.checks import CHECKS
from lianxin.ops.models import WorkerBeat

KEYS = [entry.key for entry in CHECKS]
TOKEN = "monitor-token-for-tests-only"
DEAD_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def ready(client, **headers):
    response = client.get("/readyz", **headers)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def monitor(client):
    """/readyz as the monitor sees it (the token): every check's label, message and figures."""
    return ready(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


@pytest.fixture
def beating(db):
    """A worker heard of just now."""
    worker_beat(started=True)


# --- liveness ---------------------------------------------------------------------------------------------
def test_healthz_answers_without_the_database_or_the_cache(client, db, settings, django_assert_num_queries):
    settings.CACHES = DEAD_REDIS  # a cache it touched would raise: nothing listens on port 1
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


# --- readiness: the shape ------------------------------------------------------------------------------------
def test_a_ready_site_answers_200_and_a_stranger_sees_only_each_checks_status(client, beating):
    code, body = ready(client)
    assert code == 200
    assert body == {"status": "ok", "checks": {key: {"status": "ok"} for key in KEYS}}


def test_the_monitor_sees_the_figures_by_token_or_by_address(client, beating, settings, token):
    OutboxMessage.objects.create(town=_town(), channel="sms", address="13912345678", subject="s", body="b")
    code, body = monitor(client)
    assert code == 200 and body["status"] == "ok"
    worker = body["checks"]["worker"]
    assert worker["figures"]["workers"] == 1 and 0 <= worker["figures"]["age_seconds"] < 60
    assert worker["label"] == "工作进程心跳"  # Chinese first
    assert body["checks"]["outbox"]["figures"]["pending"] == 1
    assert body["checks"]["migrations"]["figures"] == {"unapplied": 0}
    assert body["checks"]["disk"]["figures"]["free_mb"] > 0
    assert "figures" not in ready(client, HTTP_AUTHORIZATION="Bearer wrong")[1]["checks"]["worker"]
    assert "figures" not in ready(client, HTTP_AUTHORIZATION=TOKEN)[1]["checks"]["worker"]  # no "Bearer"
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert "figures" in ready(client, REMOTE_ADDR="10.20.3.4")[1]["checks"]["worker"]
    assert "figures" not in ready(client, REMOTE_ADDR="10.21.3.4")[1]["checks"]["worker"]


def test_readyz_answers_in_english_too(client, beating, token, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language chosen, as on every page
    body = client.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    assert body["checks"]["worker"]["label"] == "worker heartbeat"


# --- readiness: each check failing for real ------------------------------------------------------------------
def test_no_worker_ever_is_not_ready(client, db, token):
    code, body = monitor(client)
    assert code == 503 and body["status"] == "fail"
    assert body["checks"]["worker"]["status"] == "fail"
    assert body["checks"]["worker"]["figures"] == {"workers": 0, "age_seconds": None}
    assert all(body["checks"][k]["status"] == "ok" for k in KEYS if k != "worker")


def test_a_silent_worker_fails_after_the_limit_or_only_warns_when_not_required(client, beating, settings):
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=110)):
        assert ready(client)[0] == 200  # 110 s: still within the 120 s
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=130)):
        code, body = ready(client)
        assert code == 503 and body["checks"]["worker"]["status"] == "fail"
        settings.HEALTH_WORKER_REQUIRED = False
        code, body = ready(client)
        assert code == 200 and body["status"] == "degraded" and body["checks"]["worker"]["status"] == "warn"


def test_the_newest_of_several_workers_counts(client, beating):
    WorkerBeat.objects.create(name="old-host", at=timezone.now() - dt.timedelta(days=3))
    assert ready(client)[0] == 200


def test_an_unapplied_migration_is_not_ready(client, beating, token):
    MigrationRecorder.Migration.objects.filter(app="ops", name="0001_worker_beat").delete()
    code, body = monitor(client)
    assert code == 503 and body["checks"]["migrations"]["status"] == "fail"
    assert body["checks"]["migrations"]["figures"] == {"unapplied": 1}
    assert "ops.0001_worker_beat" in body["checks"]["migrations"]["message"]


def test_an_unreachable_cache_is_not_ready(client, beating, settings):
    settings.CACHES = DEAD_REDIS
    code, body = ready(client)
    assert code == 503 and body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


def test_an_old_undelivered_message_degrades(client, db, token):
    OutboxMessage.objects.create(town=_town(), channel="sms", address="13912345678", subject="s", body="b")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20)):
        worker_beat()  # the worker is alive; the message still waits (a gateway refusing, say)
        code, body = monitor(client)
    assert code == 200 and body["status"] == "degraded"
    outbox = body["checks"]["outbox"]
    assert outbox["status"] == "warn" and outbox["figures"]["pending"] == 1
    assert 1190 < outbox["figures"]["oldest_age_seconds"] < 1300


def test_a_job_failed_today_degrades_one_failed_two_days_ago_does_not(client, beating, token):
    now = timezone.now()
    Job.objects.create(kind="x", title="old", state="failed", finished_at=now - dt.timedelta(days=2))
    code, body = monitor(client)
    assert code == 200 and body["checks"]["jobs"] == {**body["checks"]["jobs"], "status": "ok"}
    Job.objects.create(kind="x", title="new", state="failed", finished_at=now - dt.timedelta(hours=3))
    code, body = monitor(client)
    assert code == 200 and body["status"] == "degraded"
    assert body["checks"]["jobs"]["status"] == "warn" and body["checks"]["jobs"]["figures"] == {
        "failed_last_day": 1
    }


def test_free_disk_warns_then_fails_below_its_thresholds(client, beating, settings, token):
    free_mb = monitor(client)[1]["checks"]["disk"]["figures"]["free_mb"]
    settings.HEALTH_DISK_WARN_MB = free_mb + 1024
    code, body = ready(client)
    assert code == 200 and body["checks"]["disk"]["status"] == "warn"
    settings.HEALTH_DISK_FAIL_MB = free_mb + 1024
    code, body = ready(client)
    assert code == 503 and body["checks"]["disk"]["status"] == "fail"


def test_the_database_probe_writes_nothing(client, beating):
    ready(client)
    assert list(WorkerBeat.objects.values_list("name", flat=True)) == [WorkerBeat.objects.get().name]
    assert not WorkerBeat.objects.filter(name__startswith="readiness-probe").exists()


# --- lianxin manage status ------------------------------------------------------------------------------------
def _status(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("status", *args, stdout=out)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_status_prints_the_table_in_chinese_and_english_and_exits_1_when_not_ready(db):
    code, out = _status()
    assert code == 1
    assert "工作进程心跳" in out and "失败" in out and "不能服务" in out and "数据库读写" in out
    code, out = _status("--language", "en")
    assert code == 1 and "worker heartbeat" in out and "NOT READY" in out
    worker_beat()
    code, out = _status("--language", "en")
    assert code == 0 and "Overall: ready to serve" in out and "FAILED" not in out


def test_status_json_is_readyz_with_every_detail(db):
    worker_beat()
    code, out = _status("--json")
    body = json.loads(out)
    assert code == 0 and body["status"] == "ok" and list(body["checks"]) == KEYS
    assert body["checks"]["worker"]["figures"]["workers"] == 1


def _town():
    from tests.factories import TownFactory

    return TownFactory()
