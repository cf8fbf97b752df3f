"""The production layout (``lianxin manage deploy_files``), started the way systemd starts it.

The files are rendered into a temporary directory; the web, worker and scheduler units' ExecStart,
Environment= and EnvironmentFile= are read from the rendered units and run as they are written (a clean
environment, the working directory, the environment file), on a SQLite database and a var directory of the
test's own. nginx (Debian's) runs the rendered site on high ports in front of that gunicorn, with a
self-signed certificate: a stored file goes out through X-Accel-Redirect, a static file from STATIC_ROOT.
Then each process is stopped with its unit's KillSignal and must exit cleanly. One set of processes for the
whole module.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..conftest import HANG, private_env

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent
BIN = VENV / "bin" / "lianxin"
DOMAIN = "lianxin.test"
NAME = "lianxin"
UNITS = ("web", "worker", "scheduler")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy_layout")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_unit(path: Path) -> dict[str, list[str]]:
    """A unit file's [Service] (or [Timer]) keys, each with its values in order (systemd's own reading of
    comments and sections; no line continuations are used in ours)."""
    keys: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        keys.setdefault(f"{section}{key}", []).append(value)
    return keys


def read_environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines, comments and blank lines skipped, as systemd's EnvironmentFile= reads ours."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def unit_environment(unit: dict[str, list[str]], out: Path) -> dict[str, str]:
    """What systemd gives the process: a bare PATH and LANG, then Environment=, then the EnvironmentFile=
    (whose values override Environment='s). The test run's PYTHONPATH and byte-code folder are kept, so
    that a worktree runs its own code."""
    environ = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    environ |= {k: os.environ[k] for k in ("PYTHONPATH", "PYTHONPYCACHEPREFIX") if k in os.environ}
    for assignment in unit.get("[Service]Environment", []):
        for word in shlex.split(assignment):
            key, _, value = word.partition("=")
            environ[key] = value
    for env_file in unit["[Service]EnvironmentFile"]:
        environ |= read_environment_file(out / env_file.lstrip("/"))
    return environ


@dataclass
class Started:
    unit: dict[str, list[str]]
    environ: dict[str, str]
    proc: subprocess.Popen[bytes]
    log: Path  # its output, as the journal would have it (a file: a pipe nobody reads would fill up)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """Stopped as systemd stops it: the unit's KillSignal, then (after TimeoutStopSec) SIGKILL."""
        kill = self.unit.get("[Service]KillSignal", ["SIGTERM"])[-1]
        self.proc.send_signal(getattr(signal, kill))
        try:
            self.proc.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return int(self.proc.returncode)


def start(unit_path: Path, out: Path, log: Path) -> Started:
    unit = read_unit(unit_path)
    environ = unit_environment(unit, out)
    command = shlex.split(unit["[Service]ExecStart"][-1])
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            command, cwd=unit["[Service]WorkingDirectory"][-1], env=environ, stdout=sink, stderr=sink
        )
    return Started(unit, environ, proc, log)


def https_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request, redirects not followed, errors returned like answers."""
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=https_context()))
    request = urllib.request.Request(url, headers={"Host": DOMAIN, **(headers or {})})
    try:
        with opener.open(request, timeout=HANG) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, started: Started, headers: dict[str, str], seconds: float = HANG) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if started.proc.poll() is not None:
            raise AssertionError(f"exited with {started.proc.returncode}: {started.output}")
        try:
            status, _, body = fetch(url, headers)
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def run(command: list[str], environ: dict[str, str], **kw: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=HANG, cwd=ROOT, **kw)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


# A citizen's demand with a stored file, and a signed-in session for the citizen (who reads the files of their
# own demands, with no second factor): the session key and the file's URL, for the request through nginx.
MAKE_A_STORED_FILE = """
from pathlib import Path
from django.conf import settings
from django.test import Client
from lianxin.demands.models import Attachment
from tests.factories import DemandFactory, UserFactory
citizen = UserFactory(role="citizen")
demand = DemandFactory(town=citizen.town, requester=citizen)
(Path(settings.MEDIA_ROOT) / "demands").mkdir(parents=True, exist_ok=True)
(Path(settings.MEDIA_ROOT) / "demands" / "note.bin").write_bytes(b"stored-through-nginx")
attachment = Attachment.objects.create(
    town=demand.town, demand=demand, kind="submitted", name="note.bin", file="demands/note.bin"
)
client = Client()
client.force_login(citizen)
print(client.cookies["sessionid"].value, f"/demands/files/{attachment.pk}/")
"""


@dataclass
class Stack:
    out: Path
    var: Path
    web_port: int
    https_port: int
    http_port: int
    cert: Path
    key: Path
    started: dict[str, Started]
    nginx: subprocess.Popen[str] | None
    nginx_conf: Path | None


def render(out: Path, var: Path, web_port: int, cert: Path, key: Path, http: int, https: int) -> str:
    sqlite = f"sqlite:///{var}/lianxin.sqlite3"
    args = ["manage", "deploy_files", "--out", str(out), "--domain", DOMAIN, "--name", NAME]
    args += ["--user", "root", "--prefix", str(ROOT), "--venv", str(VENV), "--var", str(var)]
    args += ["--bind", f"127.0.0.1:{web_port}", "--web-workers", "1", "--worker-threads", "1"]
    args += ["--database-url", sqlite, "--database-owner-url", sqlite, "--tls-cert", str(cert)]
    args += ["--tls-key", str(key), "--http-port", str(http), "--https-port", str(https)]
    return run([str(BIN), *args], private_env(out.parent / "command-var")).stdout


def nginx_config(tmp: Path, site: Path) -> Path:
    """A main configuration for a private nginx (its pid, logs and temporary files in ``tmp``) that includes
    the rendered site, its log paths moved into ``tmp`` too."""
    private_site = tmp / "site.conf"
    private_site.write_text(site.read_text().replace("/var/log/nginx/", f"{tmp}/"))
    temp = "\n".join(f"  {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi"))
    temp += f"\n  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;"
    conf = tmp / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the test's files are private to this user
        + f"worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        + f"http {{\n  include /etc/nginx/mime.types;\n  access_log {tmp}/access.log;\n{temp}\n"
        + f"  include {private_site};\n}}\n"
    )
    return conf


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: str | None) -> Iterator[Stack]:
    """1. a self-signed certificate  2. the files rendered  3. the migrated database (a copy of the run's own on SQLite)  4. web, worker and scheduler started
    from their units  5. nginx with the site, when Debian's nginx is installed."""
    tmp = tmp_path_factory.mktemp("deploy")
    out, var = tmp / "out", tmp / "var"
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subj = f"/CN={DOMAIN}"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subj]
    subprocess.run([*openssl, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    web_port, http_port, https_port = free_port(), free_port(), free_port()
    render(out, var, web_port, cert, key, http_port, https_port)
    units = out / "etc" / "systemd" / "system"
    # The owner's step before any start (`lianxin migrate` in production); the units never migrate.
    environ = unit_environment(read_unit(units / f"{NAME}-web.service"), out)
    database = environ["DATABASE_URL"].removeprefix("sqlite:///")
    if migrated_sqlite and environ["DATABASE_URL"].startswith("sqlite:///"):
        # What `manage migrate` makes of an empty database, copied: the same schema and rows, without the
        # half minute (more on a busy machine) a fresh migration takes. `lianxin migrate` has its own tests.
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_sqlite, database)
    else:
        run([str(BIN), "manage", "migrate", "--verbosity", "0"], environ)
    run([str(BIN), "manage", "createcachetable"], environ)
    # Collected before the start, as an upgrade does (minutes on a loaded machine); `lianxin serve` then finds
    # them current (lianxin/cli.py, _collect_static) and starts at once.
    run(
        [str(BIN), "manage", "shell", "-c", "from lianxin.cli import _collect_static; _collect_static()"],
        environ,
    )
    started: dict[str, Started] = {}
    nginx = conf = None
    try:
        for name in UNITS:
            started[name] = start(units / f"{NAME}-{name}.service", out, tmp / f"{name}.log")
        if shutil.which("nginx"):
            conf = nginx_config(tmp, out / "etc" / "nginx" / "sites-available" / f"{NAME}.conf")
            nginx = subprocess.Popen(
                ["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        yield Stack(out, var, web_port, https_port, http_port, cert, key, started, nginx, conf)
    finally:
        if nginx is not None and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            nginx.communicate(timeout=HANG)
        for one in started.values():
            if one.proc.poll() is None:
                one.stop()


PROXIED = {"X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.9"}  # what nginx writes


def test_gunicorn_from_the_web_unit_answers_a_page(stack):
    page = wait_for(f"http://127.0.0.1:{stack.web_port}/accounts/login/", stack.started["web"], PROXIED)
    assert "登录" in page.decode()
    status, headers, _ = fetch(f"http://127.0.0.1:{stack.web_port}/accounts/login/")
    assert status == 301 and headers["Location"].startswith("https://"), (
        "HTTPS=true from the environment file"
    )


def test_the_worker_from_its_unit_answers_a_ping(stack):
    ping = subprocess.run(
        [str(BIN), "manage", "worker_ping", "--timeout", "90"],
        env=stack.started["worker"].environ,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert "worker answered" in ping.stdout


def test_the_environment_file_has_fresh_keys_and_is_never_overwritten(stack, tmp_path):
    env_file = stack.out / "etc" / NAME / f"{NAME}.env"
    assert env_file.stat().st_mode & 0o777 == 0o600
    before = env_file.read_text()
    values = read_environment_file(env_file)
    assert len(values["SECRET_KEY"]) >= 50 and values["FIELD_ENCRYPTION_KEYS"].endswith("=")
    assert values["MEDIA_SENDFILE"] == "nginx" and values["LIANXIN_VAR_DIR"] == str(stack.var)
    again = render(
        stack.out, stack.var, stack.web_port, stack.cert, stack.key, stack.http_port, stack.https_port
    )
    assert "kept" in again
    assert env_file.read_text() == before, "the keys of a running instance are never replaced"
    other = tmp_path / "other" / "out"
    render(other, stack.var, stack.web_port, tmp_path / "c", tmp_path / "k", 1, 2)
    fresh = read_environment_file(other / "etc" / NAME / f"{NAME}.env")
    assert fresh["SECRET_KEY"] != values["SECRET_KEY"]
    assert fresh["FIELD_ENCRYPTION_KEYS"] != values["FIELD_ENCRYPTION_KEYS"]


def test_the_units_split_the_periodic_tasks_and_verify(stack):
    units = stack.out / "etc" / "systemd" / "system"
    worker = shlex.split(read_unit(units / f"{NAME}-worker.service")["[Service]ExecStart"][0])
    scheduler = shlex.split(read_unit(units / f"{NAME}-scheduler.service")["[Service]ExecStart"][0])
    assert "--no-periodic" in worker and "--no-periodic" not in scheduler
    for name in UNITS:
        unit = read_unit(units / f"{NAME}-{name}.service")
        assert unit["[Service]User"] == ["root"] and unit["[Service]Restart"] == ["on-failure"]
        assert unit["[Service]ReadWritePaths"] == [str(stack.var)] and unit["[Service]ProtectSystem"] == [
            "strict"
        ]
        assert "migrate" not in unit["[Service]ExecStart"][0]
    admin = stack.out / "usr" / "local" / "sbin" / f"{NAME}-admin"
    assert admin.stat().st_mode & 0o111 and subprocess.run(["sh", "-n", str(admin)]).returncode == 0
    if shutil.which("logrotate"):
        rotate = stack.out / "etc" / "logrotate.d" / NAME
        checked = subprocess.run(["logrotate", "-d", str(rotate)], capture_output=True, text=True)
        assert checked.returncode == 0 and "error" not in checked.stderr.lower(), checked.stderr
    timer = read_unit(units / f"{NAME}-backup.timer")
    assert timer["[Timer]OnCalendar"] and timer["[Timer]Persistent"] == ["true"]
    if not shutil.which("systemd-analyze"):
        pytest.skip("no systemd-analyze here")
    files = sorted(str(p) for p in units.iterdir())
    verify = subprocess.run(
        ["systemd-analyze", "verify", *files], capture_output=True, text=True, timeout=HANG
    )
    assert verify.returncode == 0 and "Unknown" not in verify.stderr, verify.stderr


def needs_nginx(stack: Stack) -> subprocess.Popen[str]:
    if stack.nginx is None:
        pytest.skip("Debian's nginx is not installed (./dev test installs it)")
    return stack.nginx


def test_nginx_accepts_the_site(stack):
    needs_nginx(stack)
    check = subprocess.run(
        ["nginx", "-t", "-p", str(stack.nginx_conf.parent), "-c", str(stack.nginx_conf)],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert check.returncode == 0, check.stderr
    status, headers, _ = fetch(f"http://127.0.0.1:{stack.http_port}/accounts/login/?next=/")
    assert (
        status == 301 and headers["Location"] == f"https://{DOMAIN}:{stack.https_port}/accounts/login/?next=/"
    )


def test_nginx_serves_pages_static_files_and_stored_files(stack):
    needs_nginx(stack)
    https = f"https://127.0.0.1:{stack.https_port}"
    page = wait_for(f"{https}/accounts/login/", stack.started["web"], {})
    assert "登录" in page.decode()
    # Static files from STATIC_ROOT (collected by `lianxin serve`): hashed names cached for a year.
    manifest = json.loads((stack.var / "static" / "staticfiles.json").read_text())["paths"]
    status, headers, body = fetch(f"{https}/static/{manifest['css/lianxin.css']}")
    assert status == 200 and b"--red" in body
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    status, headers, _ = fetch(f"{https}/static/css/lianxin.css")
    assert status == 200 and "immutable" not in headers["Cache-Control"]
    # A stored file: Lianxin checks the reader, nginx sends the bytes from MEDIA_ROOT (X-Accel-Redirect).
    made = run(
        [str(BIN), "manage", "shell", "-c", MAKE_A_STORED_FILE],
        stack.started["web"].environ
        | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
    )
    session, url = made.stdout.strip().splitlines()[-1].split()
    status, headers, body = fetch(f"{https}{url}", {"Cookie": f"sessionid={session}"})
    assert status == 200 and body == b"stored-through-nginx", (status, body[:300])
    assert "X-Accel-Redirect" not in headers, "nginx consumed it"
    # nginx drops most of an answer's headers across X-Accel-Redirect: the site puts Lianxin's back.
    assert headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in headers["Content-Security-Policy"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["Content-Disposition"].startswith("attachment")
    status, _, body = fetch(f"{https}{url}")
    assert status != 200 and b"stored-through-nginx" not in body, "no session: not sent"
    media = read_environment_file(stack.out / "etc" / NAME / f"{NAME}.env")["MEDIA_SENDFILE_URL"]
    stored = next(p for p in (stack.var / "media").rglob("*") if p.is_file())
    direct = f"{https}{media}/{stored.relative_to(stack.var / 'media')}"
    assert fetch(direct)[0] == 404, "the internal location is reachable only through X-Accel-Redirect"
    limit = re.search(r"client_max_body_size (\d+)m;", stack.nginx_conf.with_name("site.conf").read_text())
    assert limit and int(limit.group(1)) >= 33, "four photos of 8 MB fit"


def test_stopped_as_systemd_stops_them_they_exit_cleanly(stack):
    """Last in the module: SIGTERM (the units' KillSignal) to each; gunicorn and huey both stop gracefully."""
    for name in UNITS:
        one = stack.started[name]
        assert one.proc.poll() is None, f"{name} still running before the stop"
        assert one.stop() == 0, one.output[-3000:]
    worker_log = stack.started["worker"].output
    assert "Periodic tasks are disabled" in worker_log
    assert "Periodic tasks are enabled" in stack.started["scheduler"].output
    assert "Shutting down gracefully" in worker_log, worker_log[-2000:]
    assert "Handling signal: term" in stack.started["web"].output
