"""``bench/run``: build the datasets, serve each with ``lianxin serve`` (gunicorn, 2 workers), measure side by side.

    bench/run                      # town on PostgreSQL and SQLite, county of 1,000,000 demands on PostgreSQL
    bench/run --quick              # county of 20,000 demands, 3 repeats, 3-second throughput runs
    bench/run --demands 100000     # the "at 100k" comparison (results kept as bench/results/county-100000.json)
    bench/run --demands 10000000   # the optional 10M county

A dataset already built with the same parameters is reused (bench/dataset.py's marker), so a rerun only
measures. Pages are requested in turn (every page of every account and every database, then again), so a
load spike on this shared machine touches all of them alike; the table gives the median and p95, the SQL
statements of the request (bench/middleware.py), and the ratio to the bare view and to the bare
authenticated view (bench/urls.py). Writes bench/results/latest.json and the table into docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


# --- datasets and servers ---------------------------------------------------------------------------------
class Dataset:
    def __init__(self, name: str, url: str, kind: str, demands: int = 0, towns: int = 1) -> None:
        self.name, self.url, self.kind, self.demands, self.towns = name, url, kind, demands, towns
        self.var = ROOT / "var" / "bench" / name
        self.info: dict[str, Any] = {}
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def engine(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.url,
            LIANXIN_VAR_DIR=str(self.var),
            DJANGO_SETTINGS_MODULE="bench.settings",
            DEBUG="false",
            OTP_REQUIRED="false",
            # the intake runs send hundreds of submissions from one address: lift the anonymous limits
            PORTAL_SUBMIT_RATE_IP="1000000/h",
            PORTAL_SUBMIT_RATE_PHONE="1000000/h",
            PYTHONPATH=str(ROOT),
        )
        return env | self.keys()

    def keys(self) -> dict[str, str]:
        """Explicit keys, as `lianxin serve` requires: the dataset's own key file (a dataset built before keys were
        required keeps reading its personal data) and the field key derived from it, as show_derived_keys prints."""
        from lianxin.core.fields import derived_field_key

        path = self.var / "secret_key"
        if not path.exists():
            self.var.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        secret = path.read_text().strip()
        return {"SECRET_KEY": secret, "FIELD_ENCRYPTION_KEYS": derived_field_key(secret)}

    def inproc(self, *args: str) -> dict[str, Any]:
        self.var.mkdir(parents=True, exist_ok=True)
        cmd = [PYTHON, "-m", "bench.inproc", *args, "--database-url", self.url, "--var", str(self.var)]
        done = subprocess.run(cmd, cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False)  # noqa: S603
        for line in done.stdout.splitlines():
            if line.startswith("BENCH-JSON "):
                return dict(json.loads(line[len("BENCH-JSON ") :]))
        raise RuntimeError(
            f"{self.name}: {' '.join(args)} failed\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )

    def build(self, force: bool) -> None:
        create_database(self.url)
        started = time.perf_counter()
        args = ["build", "--kind", self.kind, "--demands", str(self.demands), "--towns", str(self.towns)]
        self.info = self.inproc(*args, *(["--force"] if force else []))
        self.info["this_run_seconds"] = round(time.perf_counter() - started, 1)

    def start(self) -> None:
        self.port = free_port()
        log = open(self.var / "server.log", "wb")  # noqa: SIM115 - kept open while the server runs
        cmd = [str(ROOT / ".venv/bin/lianxin"), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        if not Path(cmd[0]).exists():
            cmd = [PYTHON, "-m", "lianxin.cli", "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        self.server = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/bench/ok/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{self.name}: the server did not answer; see {self.var / 'server.log'}")

    def start_worker(self) -> None:
        if self.worker is None:
            log = open(self.var / "worker.log", "wb")  # noqa: SIM115
            self.worker = subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "lianxin.cli", "worker"],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        for proc in (self.server, self.worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the process group this script started, by its id
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def server_log(self) -> str:
        path = self.var / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- HTTP -------------------------------------------------------------------------------------------------
def request(
    port: int,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    conn: http.client.HTTPConnection | None = None,
    timeout: float = 120,
) -> tuple[int, float, http.client.HTTPResponse, bytes]:
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    c.request(method, url, body=body, headers=headers or {})
    response = c.getresponse()
    data = response.read()
    took = (time.perf_counter() - started) * 1000
    if own:
        c.close()
    return response.status, took, response, data


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def measure_pages(datasets: list[Dataset], repeat: int) -> list[dict[str, Any]]:
    """Every page of every dataset, one request each per round, rounds repeated; medians and p95."""
    rows: list[dict[str, Any]] = []
    for ds in datasets:
        prep = ds.info["prepared"]
        cookie = prep["session_cookie"]
        base = [
            {"label": "bare view", "user": "", "url": "/bench/ok/", "group": "baseline"},
            {
                "label": "bare authenticated view",
                "user": "presidium",
                "url": "/bench/auth/",
                "group": "baseline",
            },
        ]
        for page in base + prep["pages"]:
            headers = {"Accept-Language": "zh-hans"}
            if page["user"]:
                headers["Cookie"] = f"{cookie}={prep['sessions'][page['user']]}"
            if page.get("api_key"):
                headers["Authorization"] = f"Bearer {prep['api_key']}"
            rows.append(
                {"dataset": ds.name, **page, "headers": headers, "ms": [], "status": set(), "queries": []}
            )
    conns: dict[str, http.client.HTTPConnection] = {}
    for r in range(repeat + 1):  # round 0 warms every page (and every worker's caches) and is not counted
        for row in rows:
            ds = next(d for d in datasets if d.name == row["dataset"])
            conn = conns.setdefault(ds.name, http.client.HTTPConnection("127.0.0.1", ds.port, timeout=300))
            try:
                status, took, response, _ = request(
                    ds.port, "GET", row["url"], headers=row["headers"], conn=conn
                )
            except (OSError, http.client.HTTPException):
                conns.pop(ds.name).close()
                status, took, response = 599, 0.0, None
            if r == 0:
                continue
            row["status"].add(status)
            if status < 400:
                row["ms"].append(took)
                if response is not None and response.getheader("X-Bench-Queries"):
                    row["queries"].append(int(response.getheader("X-Bench-Queries")))
        print(f"  round {r}/{repeat} done", file=sys.stderr, flush=True)
    out = []
    for row in rows:
        ms = row.pop("ms")
        row.pop("headers")
        row["status"] = sorted(row["status"])
        row["median_ms"] = round(statistics.median(ms), 1) if ms else None
        row["p95_ms"] = round(p95(ms), 1) if ms else None
        row["queries"] = max(row["queries"]) if row["queries"] else None
        out.append(row)
    for ds in datasets:
        mine = [r for r in out if r["dataset"] == ds.name]
        bare = next(r for r in mine if r["label"] == "bare view")
        auth = next(r for r in mine if r["label"] == "bare authenticated view")
        for r in mine:
            if r["median_ms"] is not None:
                r["x_bare"] = round(r["median_ms"] / bare["median_ms"], 1) if bare["median_ms"] else None
                r["x_auth_p95"] = round(r["p95_ms"] / auth["p95_ms"], 2) if auth["p95_ms"] else None
    return out


def throughput(ds: Dataset, kind: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """Requests per second of ``concurrency`` clients for ``seconds``: the bare view or one way of intake."""
    prep = ds.info["prepared"]
    counts = {"ok": 0, "failed": 0, "locked": 0}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = [0.0]

    def go() -> None:
        stop_at[0] = time.monotonic() + seconds

    ready = threading.Barrier(concurrency + 1, action=go)  # every client has made its warm-up request

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ds.port, timeout=120)
        csrf = ""
        cookie = ""
        submit = f"/m/{prep['town_code']}/"
        if kind == "mobile form POST":
            _s, _t, response, data = request(ds.port, "GET", submit, conn=conn)
            match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data)
            csrf = match.group(1).decode() if match else ""
            cookie = "; ".join(h.split(";")[0] for h in response.headers.get_all("Set-Cookie") or [])
        first = True  # one request before the clock: the worker's first call of this kind is not the rate
        while first or time.monotonic() < stop_at[0]:
            phone = f"139{uuid.uuid4().int % 10**8:08d}"
            if kind == "bare view":
                args = ("GET", "/bench/ok/", {}, None)
            elif kind == "Open311 POST":
                form = {
                    "api_key": prep["api_key"],
                    "service_code": prep["category"],
                    "address_string": "东街",
                    "description": "路灯不亮，晚上出行不便。",
                    "phone": phone,
                }
                hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
                args = ("POST", prep["open311_requests"], hdrs, urlencode(form).encode())
            elif kind == "REST POST":
                body = {
                    "category": prep["category"],
                    "description": "路灯不亮，晚上出行不便。",
                    "cell_code": prep["cell_code"],
                }
                hdrs = {"Content-Type": "application/json", "Authorization": f"Bearer {prep['api_key']}"}
                args = ("POST", prep["api_demands"], hdrs, json.dumps(body).encode())
            else:
                form = {
                    "csrfmiddlewaretoken": csrf,
                    "category": prep["category"],
                    "description": "路灯不亮，晚上出行不便。",
                    "cell": prep["cell"],
                    "intake_key": str(uuid.uuid4()),
                    "name": "王先生",
                    "phone": phone,
                }
                hdrs = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
                args = ("POST", submit, hdrs, urlencode(form).encode())
            try:
                status, _t, _r, data = request(
                    ds.port, args[0], args[1], headers=args[2], body=args[3], conn=conn
                )
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", ds.port, timeout=120)
                status, data = 599, b""
            good = status in (200, 201, 302, 303)
            if first:
                first = False
                ready.wait()
                continue
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                counts["ok" if good else "failed"] += 1
                counts["locked"] += b"database is locked" in data
        conn.close()

    log_before = len(ds.server_log())
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.monotonic()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    counts["locked"] += ds.server_log()[log_before:].count("database is locked")
    return {
        "dataset": ds.name,
        "kind": kind,
        "per_s": round(counts["ok"] / took, 1),
        "requests": counts["ok"] + counts["failed"],
        "failed": counts["failed"],
        "locked": counts["locked"],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def export(ds: Dataset, timeout: float) -> dict[str, Any]:
    """The presidium's completion list as Excel: the file itself, or a job page followed until a file comes."""
    prep = ds.info["prepared"]
    if not prep.get("export"):
        return {"dataset": ds.name, "status": "no export URL"}
    headers = {
        "Cookie": f"{prep['session_cookie']}={prep['sessions']['presidium']}",
        "Accept-Language": "zh-hans",
    }
    started = time.perf_counter()
    url, polls = prep["export"], 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _t, response, data = request(ds.port, "GET", url, headers=headers, timeout=timeout)
        except (OSError, http.client.HTTPException) as exc:
            return {
                "dataset": ds.name,
                "status": f"error {exc}",
                "seconds": round(time.perf_counter() - started, 1),
            }
        kind = response.getheader("Content-Type", "")
        if status == 200 and (
            "spreadsheet" in kind or "attachment" in (response.getheader("Content-Disposition") or "")
        ):
            return {
                "dataset": ds.name,
                "status": "complete",
                "http": status,
                "seconds": round(time.perf_counter() - started, 1),
                "bytes": len(data),
                "polls": polls,
                "rows": xlsx_rows(data),
            }
        if status in (301, 302, 303):
            url = response.getheader("Location", url)
            ds.start_worker()
            continue
        if status in (200, 202) and "html" in kind:  # a job page: look for the file's link, else poll again
            ds.start_worker()
            link = re.search(rb'href="([^"]+(?:download|\.xlsx|/file)[^"]*)"', data)
            if link:
                url = link.group(1).decode().replace("&amp;", "&")
            polls += 1
            time.sleep(1)
            continue
        return {
            "dataset": ds.name,
            "status": f"HTTP {status}",
            "seconds": round(time.perf_counter() - started, 1),
        }
    return {"dataset": ds.name, "status": f"not done in {timeout:.0f} s", "polls": polls}


def xlsx_rows(data: bytes) -> int | None:
    try:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return sum(max(0, (ws.max_row or 1) - 1) for ws in book.worksheets)
    except Exception:
        return None


# --- the machine, the table, the files --------------------------------------------------------------------
def machine(pg_url: str) -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        memory = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = ""
    version = ""
    try:
        import psycopg

        with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres") as conn:
            row = conn.execute("SHOW server_version").fetchone()
            version = str(row[0]) if row else ""
    except Exception:
        version = "unreachable"
    load = os.getloadavg()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "postgresql": version,
        "python": platform.python_version(),
        "load_at_start": [round(x, 2) for x in load],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def fmt(v: Any, suffix: str = "") -> str:
    return "–" if v is None else f"{v}{suffix}"


def table(result: dict[str, Any]) -> str:
    lines = [
        "| dataset | account | page | median ms | p95 ms | queries | × bare (median) | × bare auth (p95) | HTTP |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["pages"]:
        if r["median_ms"] is None and set(r["status"]) <= {401, 403, 404}:
            continue  # not this account's page: in the JSON only (a 5xx or a timeout stays in the table)
        lines.append(
            f"| {r['dataset']} | {r['user'] or '–'} | {r['label']} | {fmt(r['median_ms'])} | {fmt(r['p95_ms'])} | "
            f"{fmt(r['queries'])} | {fmt(r.get('x_bare'))} | {fmt(r.get('x_auth_p95'))} | "
            f"{','.join(map(str, r['status']))} |"
        )
    lines += [
        "",
        "| dataset | throughput | per s | requests | failed | locked | × bare view |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in result["throughput"]:
        bare = next(
            (x for x in result["throughput"] if x["dataset"] == t["dataset"] and x["kind"] == "bare view"),
            None,
        )
        ratio = round(t["per_s"] / bare["per_s"], 3) if bare and bare["per_s"] else None
        lines.append(
            f"| {t['dataset']} | {t['kind']} | {t['per_s']} | {t['requests']} | {t['failed']} | {t['locked']} | {fmt(ratio)} |"
        )
    lines += [
        "",
        "| dataset | intake in-process | service /s | raw insert /s | ratio | statements | outbox rows |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in result["intake"]:
        lines.append(
            f"| {i['dataset']} | demand_record × {i['n']} | {i['service_per_s']} | {i['raw_insert_per_s']} | "
            f"{i['ratio']} | {i['statements_per_demand']} | {i['outbox_rows_per_demand']} |"
        )
    if result["exports"]:
        lines += [
            "",
            "| dataset | export (completion list, xlsx) | status | seconds | rows | polls |",
            "|---|---|---|---|---|---|",
        ]
        for e in result["exports"]:
            lines.append(
                f"| {e['dataset']} | presidium | {e['status']} | {fmt(e.get('seconds'))} | {fmt(e.get('rows'))} | {fmt(e.get('polls'))} |"
            )
    return "\n".join(lines)


def targets(result: dict[str, Any], county: str, previous_100k: dict[str, Any] | None) -> list[str]:
    """The issue's targets, each met or missed by how much."""
    out = []
    pages = [
        r for r in result["pages"] if r["dataset"] == county and r["group"] != "baseline" and r["p95_ms"]
    ]
    auth = next(
        (r for r in result["pages"] if r["dataset"] == county and r["label"] == "bare authenticated view"),
        None,
    )
    if pages and auth and auth["p95_ms"]:
        limit = 3 * auth["p95_ms"]
        over = sorted((r for r in pages if r["p95_ms"] > limit), key=lambda r: -r["p95_ms"])
        worst = ", ".join(
            f"{r['user'] or 'public'} {r['label']} {r['p95_ms'] / auth['p95_ms']:.1f}×" for r in over[:8]
        )
        failed = [
            f"{r['user'] or 'public'} {r['label']} (HTTP {'/'.join(map(str, r['status']))})"
            for r in result["pages"]
            if r["dataset"] == county and any(st >= 500 for st in r["status"])
        ]
        out.append(
            f"- p95 ≤ 3× the bare authenticated view ({auth['p95_ms']} ms, so ≤ {limit:.0f} ms) on the county: "
            + (
                "**met** by every page"
                if not over
                else f"**missed** by {len(over)} of {len(pages)} pages; worst: {worst}"
            )
            + (f"; failing (server error or worker timeout): {', '.join(failed)}" if failed else "")
        )
    if previous_100k and pages:
        before = {
            (r["user"], r["label"]): r
            for r in previous_100k["pages"]
            if r.get("p95_ms") and r["dataset"] == county
        }
        worse = []
        for r in pages:
            b = before.get((r["user"], r["label"]))
            if b and r["p95_ms"] > 1.5 * b["p95_ms"]:
                worse.append(f"{r['user'] or 'public'} {r['label']} {r['p95_ms'] / b['p95_ms']:.1f}×")
        out.append(
            f"- p95 ≤ 1.5× its own p95 at 100k (run of {previous_100k['machine']['date']}): "
            + ("**met**" if not worse else f"**missed** by {len(worse)} pages: {', '.join(worse[:10])}")
        )
    else:
        out.append("- p95 ≤ 1.5× its own p95 at 100k: not compared (run `bench/run --demands 100000` first)")
    for e in result["exports"]:
        rows = e.get("rows")
        out.append(
            f"- exports complete ({e['dataset']}): {e['status']}"
            + (
                f", {rows} rows in {e.get('seconds')} s"
                if rows is not None
                else f" after {e.get('seconds')} s"
            )
        )
    for i in result["intake"]:
        verdict = "met" if i["ratio"] >= 0.2 else f"missed ({i['ratio'] / 0.2:.2f} of the target)"
        out.append(f"- intake ≥ 0.2× raw insert ({i['dataset']}): {i['ratio']} — **{verdict}**")
    for t in result["throughput"]:
        if t["kind"] == "bare view":
            continue
        bare = next(
            (x for x in result["throughput"] if x["dataset"] == t["dataset"] and x["kind"] == "bare view"),
            None,
        )
        if bare and bare["per_s"]:
            ratio = t["per_s"] / bare["per_s"]
            verdict = "met" if ratio >= 0.2 else f"missed ({ratio / 0.2:.2f} of the target)"
            out.append(
                f"- {t['kind']} ≥ 0.2× bare view over HTTP ({t['dataset']}): {ratio:.3f} — **{verdict}**"
            )
    pg = {(r["user"], r["label"]): r for r in result["pages"] if r["dataset"] == "town-pg" and r["median_ms"]}
    lite = [
        r["median_ms"] / pg[(r["user"], r["label"])]["median_ms"]
        for r in result["pages"]
        if r["dataset"] == "town-sqlite" and r["median_ms"] and (r["user"], r["label"]) in pg
    ]
    if lite:
        intake = {i["dataset"]: i["service_per_s"] for i in result["intake"]}
        line = f"- SQLite against PostgreSQL (town): page medians {statistics.median(lite):.2f}× PostgreSQL's (median of {len(lite)} pages)"
        if intake.get("town-pg") and intake.get("town-sqlite"):
            line += f"; intake through the service {intake['town-sqlite'] / intake['town-pg']:.2f}× PostgreSQL's rate"
        out.append(line)
    locked = sum(t["locked"] for t in result["throughput"] if t["dataset"].endswith("sqlite"))
    out.append(f'- 0 "database is locked" on SQLite: {locked} — **{"met" if locked == 0 else "missed"}**')
    return out


def all_targets(result: dict[str, Any]) -> list[str]:
    """The targets of a run, compared with the county at 100k when that run's results are there."""
    county = next((name for name in result["datasets"] if name.startswith("county")), "")
    previous = None
    path = ROOT / "bench" / "results" / "county-100000.json"
    if county and result["datasets"][county].get("demands") != 100_000 and path.exists():
        previous = json.loads(path.read_text())
        for r in previous["pages"]:
            r["dataset"] = county if r["dataset"].startswith("county") else r["dataset"]
    return targets(result, county, previous)


def write_docs(result: dict[str, Any], text: str) -> None:
    path = ROOT / "docs" / "performance.md"
    start, end = "<!-- bench:latest -->", "<!-- /bench:latest -->"
    current = path.read_text() if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in current and end in current:
        current = current[: current.index(start)] + block + current[current.index(end) + len(end) :]
    else:
        current = (current or "# Performance\n") + "\n" + block + "\n"
    path.write_text(current)


def report_text(result: dict[str, Any]) -> str:
    m = result["machine"]
    sizes = "; ".join(
        f"{name}: {d.get('rows_demands')} demands, {d.get('rows_events')} events, {d.get('rows_assignments')} "
        f"assignments ({d.get('towns')} towns; built in {d.get('build_seconds')} s"
        + (", reused" if d.get("reused") else "")
        + ")"
        for name, d in result["datasets"].items()
    )
    return "\n".join(
        [
            f"## Latest run: {m['date']}",
            "",
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, PostgreSQL {m['postgresql']}, "
            f"Python {m['python']}, load average at start {m['load_at_start']}. Options: `{result['options']}`.",
            "",
            f"Datasets: {sizes}.",
            "",
            "### Targets",
            "",
            *result["targets"],
            "",
            "### Figures",
            "",
            table(result),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demands", type=int, default=1_000_000, help="county size (default 1,000,000)")
    parser.add_argument("--towns", type=int, default=15, help="towns of the county (default 15)")
    parser.add_argument("--quick", action="store_true", help="20k demands, 2 towns, 3 repeats, short runs")
    parser.add_argument("--repeat", type=int, default=0, help="rounds of page requests (default 10; quick 3)")
    parser.add_argument("--seconds", type=float, default=0, help="each throughput run (default 8; quick 3)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--intake", type=int, default=0, help="demand_record calls (default 200; quick 50)")
    parser.add_argument("--only", default="", help="comma-separated datasets: town-pg,town-sqlite,county-pg")
    parser.add_argument("--pg-town", default=os.environ.get("BENCH_PG_TOWN", f"{PG}/lx_bench_town"))
    parser.add_argument("--pg-county", default=os.environ.get("BENCH_PG_COUNTY", f"{PG}/lx_bench_county"))
    parser.add_argument("--sqlite-town", default="")
    parser.add_argument("--rebuild", action="store_true", help="build again even when the marker matches")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-timeout", type=float, default=300)
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument(
        "--report", default="", help="only print (and write to the docs) the table of a results file"
    )
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        saved["targets"] = all_targets(saved)
        text = report_text(saved)
        print(text)
        if not args.no_docs:
            write_docs(saved, text)
        return 0
    if args.quick:
        args.demands = 20_000 if args.demands == 1_000_000 else args.demands
        args.towns = 2 if args.towns == 15 else args.towns
    repeat = args.repeat or (3 if args.quick else 10)
    seconds = args.seconds or (3 if args.quick else 8)
    n_intake = args.intake or (50 if args.quick else 200)
    sqlite_town = args.sqlite_town or f"sqlite:///{ROOT / 'var' / 'bench' / 'town-sqlite' / 'db.sqlite3'}"
    datasets = [
        Dataset("town-pg", args.pg_town, "town"),
        Dataset("town-sqlite", sqlite_town, "town"),
        Dataset(f"county-{args.demands // 1000}k-pg", args.pg_county, "county", args.demands, args.towns),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        datasets = [d for d in datasets if d.name in wanted or d.name.split("-")[0] in wanted]
    result: dict[str, Any] = {
        "machine": machine(args.pg_county),
        "options": " ".join(argv if argv is not None else sys.argv[1:]) or "(defaults)",
        "datasets": {},
        "pages": [],
        "throughput": [],
        "intake": [],
        "exports": [],
    }
    try:
        for ds in datasets:
            print(f"building {ds.name} …", file=sys.stderr, flush=True)
            ds.build(args.rebuild)
            info = {k: v for k, v in ds.info.items() if k != "prepared"}
            result["datasets"][ds.name] = info
            print(f"  {json.dumps(info)}", file=sys.stderr, flush=True)
        for ds in datasets:  # migrate and collectstatic of every server at once, then wait for each
            ds.start()
        for ds in datasets:
            ds.wait_ready()
        print(f"pages: {repeat} rounds …", file=sys.stderr, flush=True)
        result["pages"] = measure_pages(datasets, repeat)
        for ds in datasets:
            for kind in ("bare view", "Open311 POST", "REST POST", "mobile form POST"):
                print(f"throughput {ds.name} {kind} …", file=sys.stderr, flush=True)
                result["throughput"].append(throughput(ds, kind, seconds, args.concurrency))
        if not args.no_export:
            for ds in datasets:
                if ds.engine == "postgresql":
                    print(f"export {ds.name} …", file=sys.stderr, flush=True)
                    result["exports"].append(export(ds, args.export_timeout))
    finally:
        for ds in datasets:
            ds.stop()
    for ds in datasets:  # in-process, with the servers stopped: the machine's two cores for the loop alone
        print(f"intake {ds.name} …", file=sys.stderr, flush=True)
        result["intake"].append({"dataset": ds.name, **ds.inproc("intake", "--n", str(n_intake))})
    result["targets"] = all_targets(result)
    text = report_text(result)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if any(d.kind == "county" for d in datasets):
        (out.parent / f"county-{args.demands}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1)
        )
    if not args.no_docs:
        write_docs(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
