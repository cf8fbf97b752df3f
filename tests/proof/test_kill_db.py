"""PostgreSQL killed (kill -9 of the postmaster) three times during a burst of submissions: every
submission the server acknowledged (2xx, or the mobile form's redirect to its receipt) is in the database
exactly once, and every demand is whole — its RECORD event, its audit entry and its outbox messages, as many
as a demand recorded before the burst has.

The test starts its own cluster (initdb in a temporary folder, port PROOF_PG_PORT, default 5499; as the
postgres user when run as root), serves the application on it with `lianxin serve` (gunicorn, two
workers), and sends REST (Idempotency-Key), Open311 (Idempotency-Key) and mobile-form (its one-time key)
submissions from several threads. A client retries what got no answer or a 5xx, with the same key, as the
hotline and the phone page do. The shared cluster on 5432 is never touched.
Figures: kills, sent, acknowledged, lost, duplicated, half-written demands.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import private_env
from tests.test_commands import BIN, free_port, stop, wait_http

from . import figures

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PROOF_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("PROOF_PG_PORT", "5499"))
KILLS = 3
PER_KIND = 30  # submissions of each kind (REST, Open311, mobile form)
THREADS = 6
# Seconds a client keeps retrying one submission: longer than api/idempotency.py's STALE (2 minutes), after
# which a key whose first attempt died with the database is taken over by its retry.
RETRY_FOR = 200.0

pytestmark = [pytest.mark.slow, pytest.mark.kill_db]


class Cluster:
    """A throwaway PostgreSQL cluster: initdb, start, kill -9, start again."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lianxin-proof-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=check)

    def init(self) -> None:
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        self._run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "lianxin"
        )

    def start(self) -> None:
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1"
        deadline = time.monotonic() + 60
        while True:  # after a kill -9 the old backends may hold the shared memory for a moment
            done = self._run(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.log),
                "-w",
                "start",
                check=False,
            )
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(done.stdout + done.stderr + self.log.read_text()[-3000:])
            time.sleep(0.5)

    def kill(self) -> None:
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def destroy(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/lianxin"


SEED = """
import json
from lianxin.api.services import api_key_create
from tests.loop import Loop
loop = Loop.build()
_key, raw = api_key_create(town=loop.town, name="12345")
print("SEED" + json.dumps({"town": loop.town.code, "category": loop.category.pk, "cell": loop.cell.pk,
      "cell_code": loop.cell.code, "key": raw}))
"""

CHECK = """
import json, os
from collections import Counter
from lianxin.audit.models import AuditEntry
from lianxin.demands.models import Demand, DemandEvent
from lianxin.notify.models import OutboxMessage
codes = json.load(open(os.environ["PROOF_ACKED"]))
keys = json.load(open(os.environ["PROOF_KEYS"]))
found = Counter(Demand.objects.filter(code__in=codes).values_list("code", flat=True))
by_text = Counter()
for description in Demand.objects.values_list("description", flat=True):
    for key in keys:
        if key in description:
            by_text[key] += 1
shape = {}
for d in Demand.objects.all():
    shape[d.code] = [
        DemandEvent.objects.filter(demand=d, action="record").count(),
        AuditEntry.objects.filter(object_type__icontains="demand", object_id=str(d.pk)).count(),
        OutboxMessage.objects.filter(url__contains=d.code).count(),
    ]
print("CHECK" + json.dumps({"found": found, "by_text": by_text, "shape": shape, "demands": Demand.objects.count()}))
"""


def _manage(env: dict[str, str], script: str, tag: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith(tag))
    return json.loads(line[len(tag) :])


@dataclass
class Burst:
    base: str
    seed: dict[str, Any]
    acked: dict[str, str] = field(default_factory=dict)  # submission key → demand code
    lost: list[str] = field(default_factory=list)  # given up without an answer (not acknowledged)
    sent: int = 0
    attempts: int = 0
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, kind: str, key: str) -> None:
        deadline = time.monotonic() + RETRY_FOR
        with self.lock:
            self.sent += 1
        while time.monotonic() < deadline:
            with self.lock:
                self.attempts += 1
            try:
                code = getattr(self, kind)(key)
            except (requests.RequestException, ValueError, KeyError, AttributeError):
                code = None
            if isinstance(code, str) and code.startswith("refused"):
                with self.lock:
                    self.refused.append(f"{kind} {key}: {code}")
                return
            if code:
                with self.lock:
                    self.acked[key] = code
                return
            time.sleep(0.3)
        with self.lock:
            self.lost.append(key)

    def _answer(self, r: requests.Response) -> str | None:
        if r.status_code >= 500 or r.status_code == 409:  # 409: the key's first attempt is in progress
            return None
        if r.status_code >= 400:
            return f"refused {r.status_code} {r.text[:200]}"
        return "ok"

    def rest(self, key: str) -> str | None:
        s = self.seed
        body = {"category": s["category"], "description": f"桥栏杆松动 {key}", "cell_code": s["cell_code"]}
        r = requests.post(
            f"{self.base}/api/v1/demands/",
            json=body,
            headers={"Authorization": f"Bearer {s['key']}", "Idempotency-Key": key},
            timeout=15,
        )
        return r.json()["code"] if self._answer(r) == "ok" else self._answer(r)

    def open311(self, key: str) -> str | None:
        s = self.seed
        body = {"api_key": s["key"], "service_code": s["category"], "address_id": s["cell_code"]}
        r = requests.post(
            f"{self.base}/open311/v2/requests.json",
            data=body | {"description": f"夜间噪音 {key}"},
            headers={"Idempotency-Key": key},
            timeout=15,
        )
        return r.json()[0]["service_request_id"] if self._answer(r) == "ok" else self._answer(r)

    def mobile(self, key: str) -> str | None:
        s = self.seed
        with requests.Session() as session:
            url = f"{self.base}/m/{s['town']}/"
            page = session.get(url, timeout=15)
            if page.status_code != 200:
                return None
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            body = {
                "csrfmiddlewaretoken": token,
                "category": s["category"],
                "description": f"村口路灯坏了 {key}",
                "cell": s["cell"],
                "name": "王秀英",
                "phone": "13912340001",
                "intake_key": key,
            }
            r = session.post(url, data=body, timeout=15, allow_redirects=False, headers={"Referer": url})
            if r.status_code == 302 and "/done/" in r.headers.get("Location", ""):
                return r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
            return self._answer(r) if r.status_code != 302 else None


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
    c = Cluster()
    try:
        c.init()
        yield c
    finally:
        c.destroy()


def test_killing_postgres_loses_no_acknowledged_submission(cluster, tmp_path):
    env = private_env(tmp_path) | {
        "DATABASE_URL": cluster.url,
        "DEBUG": "false",
        "PORTAL_SUBMIT_RATE_IP": "100000/h",
        "PORTAL_SUBMIT_RATE_PHONE": "100000/h",
        "CONN_MAX_AGE": "0",
        "SECRET_KEY": "lianxin-proof-only-not-a-secret-" + "k" * 32,  # serve runs on explicit keys only
        "FIELD_ENCRYPTION_KEYS": "Y5Qe0HnB2vR7m3cX8kT1pL6sW9dF4gJ0aZ2uE5iO7yM=",
    }
    env.pop("CACHE_URL", None)
    migrated = subprocess.run([BIN, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    seed = _manage(env, SEED, "SEED")
    port = free_port()
    server_log = (tmp_path / "server.log").open("w")  # a file, not a pipe: nobody reads the access log
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    burst = Burst(base=base, seed=seed)
    try:
        try:
            wait_http(f"{base}/m/{seed['town']}/", server, seconds=180)
        except AssertionError as e:
            stop(server)
            raise AssertionError(f"{e}\n{(tmp_path / 'server.log').read_text()[-4000:]}") from e
        # a demand of each kind made in calm: the shapes a whole demand has
        references = [getattr(burst, kind)(str(uuid.uuid4())) for kind in ("rest", "open311", "mobile")]
        assert all(r and not r.startswith("refused") for r in references), references
        work = [
            (kind, str(uuid.uuid4()))  # the mobile form's key is a UUID
            for kind in ("rest", "open311", "mobile")
            for _ in range(PER_KIND)
        ]
        work = [work[i] for j in range(3) for i in range(j * PER_KIND, (j + 1) * PER_KIND)]
        work = [
            w for pair in zip(work[0::3], work[1::3], work[2::3], strict=True) for w in pair
        ]  # interleave
        queue = list(work)
        qlock = threading.Lock()

        def client() -> None:
            while True:
                with qlock:
                    if not queue:
                        return
                    kind, key = queue.pop(0)
                burst.send(kind, key)

        threads = [threading.Thread(target=client) for _ in range(THREADS)]
        for t in threads:
            t.start()
        kills = 0
        for n in range(KILLS):  # kill once the burst is under way, then again after more were answered
            target = (n + 1) * len(work) // (KILLS + 2)
            deadline = time.monotonic() + 240
            while (
                len(burst.acked) < target
                and time.monotonic() < deadline
                and any(t.is_alive() for t in threads)
            ):
                time.sleep(0.05)
            cluster.kill()
            kills += 1
            time.sleep(1.5)  # the clients meet a dead database for a while
            cluster.start()
        for t in threads:
            t.join(RETRY_FOR * len(work))
    finally:
        stop(server)
        server_log.close()
    assert burst.refused == [], burst.refused[:5]

    acked_codes = sorted(set(burst.acked.values()))
    (tmp_path / "acked.json").write_text(json.dumps(acked_codes))
    (tmp_path / "keys.json").write_text(json.dumps([key for _kind, key in work]))
    check = _manage(
        env | {"PROOF_ACKED": str(tmp_path / "acked.json"), "PROOF_KEYS": str(tmp_path / "keys.json")},
        CHECK,
        "CHECK",
    )
    lost = [code for code in acked_codes if check["found"].get(code, 0) == 0]
    duplicated = [key for key, n in check["by_text"].items() if n > 1]
    shape = check["shape"]
    expected = {tuple(shape[r]) for r in references}
    half = sorted(code for code, s in shape.items() if tuple(s) not in expected)
    figures.record(
        "kill",
        kills=kills,
        sent=len(work),
        acknowledged=len(burst.acked),
        attempts=burst.attempts,
        unanswered=len(burst.lost),
        lost=len(lost),
        duplicated=len(duplicated),
        half_written=len(half),
        demands=check["demands"],
    )
    assert kills == KILLS
    assert lost == [] and duplicated == [] and half == [], (
        lost,
        duplicated,
        [(c, shape[c]) for c in half],
        expected,
    )
    assert len(set(burst.acked.values())) == len(burst.acked), "two submissions answered with one code"
    assert all(e[0] == 1 and e[1] >= 1 for e in expected), expected
