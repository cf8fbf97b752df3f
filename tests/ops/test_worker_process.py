"""Issue 24's "done when": /readyz turns unhealthy when the worker stops. A real ``lianxin worker`` process on
the test's own database (the SQLite file, or the PostgreSQL test database), seen by its heartbeat, stopped."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lianxin.ops import keys
from lianxin.ops.models import WorkerBeat
from tests.conftest import HANG, private_env

BIN = Path(sys.executable).parent / "lianxin"
TOKEN = "worker-test-token"
pytestmark = [pytest.mark.slow]


def _database_url() -> str:
    """The URL of the database this test runs on, for the processes it starts (so they share its rows)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(var: Path) -> dict[str, str]:
    env = private_env(var)  # its own var/ (huey's queue file) and the base settings, as in production…
    env.update(DATABASE_URL=_database_url(), SECRET_KEY=settings.SECRET_KEY)  # …on the test's database
    # with the field key the test's own settings derive, given explicitly, as `lianxin worker` requires
    env["FIELD_ENCRYPTION_KEYS"] = ",".join(keys.field_keys_in_force())
    return env


def _wait_for_beat(proc: subprocess.Popen, seconds: float = HANG) -> WorkerBeat:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the worker exited with {proc.returncode}: {proc.communicate()[0]}")
        beat = WorkerBeat.objects.filter(pid=proc.pid).first()
        if beat is not None:
            return beat
        time.sleep(0.3)
    raise AssertionError(f"no heartbeat from the worker within {seconds} s")


def _stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.communicate(timeout=HANG)[0] or ""
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0] or ""


def _worker_check(client) -> tuple[int, dict]:
    response = client.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return response.status_code, response.json()


@pytest.mark.django_db(transaction=True)  # the worker writes from its own connection: nothing held open here
def test_readyz_turns_unhealthy_when_the_worker_stops(client, tmp_path, settings):
    settings.METRICS_TOKEN = TOKEN
    env = _env(tmp_path / "var")
    (tmp_path / "var").mkdir()
    assert _worker_check(client)[1]["checks"]["worker"]["status"] == "fail"  # no worker yet
    proc = subprocess.Popen(
        [BIN, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    # Beside it, while it starts (no time added): the command line in a process of its own, with a limit no
    # worker can meet, says "not ready" and exits 1.
    status = subprocess.Popen(
        [BIN, "manage", "status"],
        env={**env, "HEALTH_WORKER_MAX_AGE": "-1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        beat = _wait_for_beat(proc)  # written by the consumer's start hook, before any minute has passed
        code, body = _worker_check(client)
        assert code == 200 and body["status"] == "ok", body
        assert body["checks"]["worker"]["figures"]["workers"] == 1
    finally:
        out = _stop(proc)
        printed = status.communicate(timeout=HANG)[0]
    assert proc.returncode is not None, out
    assert status.returncode == 1, printed
    assert "工作进程心跳" in printed and "不能服务" in printed and "数据库读写" in printed
    # The worker is gone; its last beat stays. Three minutes on, the site is not ready.
    assert WorkerBeat.objects.get(pid=proc.pid).at >= beat.at
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        code, body = _worker_check(client)
    assert code == 503 and body["status"] == "fail"
    assert (
        body["checks"]["worker"]["status"] == "fail"
        and body["checks"]["worker"]["figures"]["age_seconds"] > 120
    )
    assert all(check["status"] == "ok" for key, check in body["checks"].items() if key != "worker"), body
