"""The ``lianxin`` command end to end: real processes, a real worker, a real HTTP server."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.utils.functional import empty

from .conftest import HANG, private_env

BIN = Path(sys.executable).parent / "lianxin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Real processes: slow. One xdist group, so that one worker builds the demo below once for all of them.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("commands")]


@pytest.fixture(scope="module")
def built_var(tmp_path_factory):
    """``lianxin demo --no-serve`` once, from an empty var/ and database (migrate, build the town, make the
    hotline key): the first run on a new machine. Each test below starts from a copy of what it left, so
    the town is built once instead of once per test."""
    var = tmp_path_factory.mktemp("built-demo")
    first = subprocess.run(
        [BIN, "demo", "--no-serve"], env=private_env(var), capture_output=True, text=True, timeout=HANG
    )
    assert first.returncode == 0, first.stderr
    assert re.search(r"demo data: [1-9][0-9]* rows created", first.stdout), first.stdout
    # A first start says what it is doing, step by step, and names the town's code the public pages need.
    steps = [first.stdout.find(f"连心 demo [{step}]") for step in ("1/4", "2/4", "3/4", "done")]
    assert -1 not in steps and steps == sorted(steps), first.stdout
    assert "a year of demands" in first.stdout and "training the routing model" in first.stdout
    assert "demo town: 城关镇, code 410724001 (the public pages: /m/410724001/" in first.stdout
    assert (var / "static" / ".lianxin-sources").exists(), "static files collected once, for every copy"
    return var


@pytest.fixture
def built_env(built_var, tmp_path):
    """A copy of the built demo's var/ (database, huey's queue, secret key), as if this test had built it."""
    var = tmp_path / "var"
    shutil.copytree(built_var, var)
    return private_env(var)


def run(env: dict[str, str], *args: str, timeout: float = HANG) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=timeout)


def with_keys(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the keys set explicitly, as production must: the ones the demo derived (show_derived_keys),
    so that its personal data still decrypts."""
    shown = run(env, "manage", "show_derived_keys")
    assert shown.returncode == 0, shown.stderr
    lines = dict(line.split("=", 1) for line in shown.stdout.splitlines() if "=" in line)
    assert set(lines) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}, shown.stdout
    return env | lines


def wait_http(url: str, proc: subprocess.Popen, seconds: float = HANG) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"server exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


def start_demo(env: dict[str, str], port: int) -> subprocess.Popen:
    """``lianxin demo`` serving on ``port``, its output (both streams) readable as text."""
    return subprocess.Popen(
        [BIN, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_demo_builds_the_town_serves_it_and_runs_the_worker(built_env):
    env = built_env  # built from an empty database by built_var; this run brings it up to date and serves it
    port = free_port()
    proc = start_demo(env, port)
    try:
        html = wait_http(f"http://127.0.0.1:{port}/accounts/login/", proc)
        assert "登录" in html  # Chinese by default
        ping = subprocess.run(
            [BIN, "manage", "worker_ping", "--timeout", str(int(HANG))],
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG,
        )
        assert ping.returncode == 0, ping.stderr
        assert "worker answered" in ping.stdout
        # The product's 404 page, not Django's debug page (issue 10, point 14).
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/demands/NO-SUCH-CODE/x/y/", timeout=HANG)
        page = missing.value.read().decode()
        assert missing.value.code == 404 and "Using the URLconf" not in page and "页面不存在" in page
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/favicon.ico", timeout=HANG).status == 200
        time.sleep(1)  # the announcement follows the server's first answer
        # Ctrl-C ends it (before, the in-process worker swallowed the signal and only SIGKILL did).
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=HANG)  # a swallowed signal never ends: HANG only stops such a hang
    finally:
        if proc.poll() is None:
            out = stop(proc)
    assert proc.returncode == 0, out
    assert "stopping the server and the worker" in out
    assert "presidium" in out and "lianxin-demo" in out, "the demo logins are printed"
    assert "unable to acquire lock" not in out, out
    started = out.split("Quit the server with")[-1]
    assert f"连心 demo: http://127.0.0.1:{port}/" in started, "the address comes after the server's own lines"


def test_the_demo_stops_on_sigterm(built_env):
    """``kill <pid>`` ends the demo as Ctrl-C does (the first test above stops it with Ctrl-C)."""
    port = free_port()
    proc = start_demo(built_env, port)
    try:
        wait_http(f"http://127.0.0.1:{port}/accounts/login/", proc)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=HANG)  # a swallowed signal never ends: HANG only stops such a hang
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out
    assert "stopping the server and the worker" in out


def test_worker_ping_fails_when_no_worker_runs(built_env):
    env = built_env  # migrated, and no worker started
    ping = subprocess.run(
        [BIN, "manage", "worker_ping", "--timeout", "1"], env=env, capture_output=True, text=True
    )
    assert ping.returncode != 0 and "no worker answered" in ping.stderr


QUEUE_A_NOTIFICATION = """
from django.db import transaction
from lianxin.accounts.models import User
from lianxin.notify.services import notify
user = User.objects.get(username="presidium")
with transaction.atomic():
    notify(town_id=user.town_id, users=[user], subject="e2e", body="delivered by the worker")
"""
COUNT_NOTIFICATIONS = "from lianxin.notify.models import Notification; print(Notification.objects.filter(subject='e2e').count())"


def test_worker_command_answers_and_delivers_the_outbox(built_env):
    env = with_keys(built_env)  # what `lianxin demo --no-serve` left, its keys set as production sets them
    worker = subprocess.Popen(
        [BIN, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        ping = subprocess.run(
            [BIN, "manage", "worker_ping", "--timeout", str(int(HANG))],
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG,
        )
        assert ping.returncode == 0, ping.stderr
        subprocess.run(
            [BIN, "manage", "shell", "-c", QUEUE_A_NOTIFICATION], env=env, check=True, timeout=HANG
        )
        deadline = time.monotonic() + HANG
        count = "0"
        while time.monotonic() < deadline and count != "1":
            out = subprocess.run(
                [BIN, "manage", "shell", "-c", COUNT_NOTIFICATIONS], env=env, capture_output=True, text=True
            )
            count = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "0"
            time.sleep(0.5)
        assert count == "1", "the worker delivered the queued notification"
    finally:
        stop(worker)


def test_demo_no_serve_is_idempotent_and_serve_runs_gunicorn(built_env):
    env = built_env  # the first run, from an empty database, is built_var's
    second = subprocess.run(
        [BIN, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=HANG
    )
    assert "0 rows created, 0 updated" in second.stdout
    migrated = run(env, "migrate")  # production's order: migrate (the cache table too), then serve
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=with_keys(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        html = wait_http(f"http://127.0.0.1:{port}/accounts/login/", server)
        assert "登录" in html
        # static files come from whitenoise in production mode
        css = wait_http(f"http://127.0.0.1:{port}/static/css/lianxin.css", server)
        assert "--red" in css
    finally:
        stop(server)


def test_serve_shares_rate_limit_counters_between_workers(built_env):
    """Two gunicorn workers, ten wrong tracking guesses: the limit of five holds across both."""
    env = {k: v for k, v in built_env.items() if k not in ("CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env = with_keys(env) | {"DEBUG": "false", "PORTAL_TRACK_FAIL_RATE": "5/15m"}
    assert run(env, "migrate").returncode == 0  # makes the database cache's table the workers share
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/m/410724001/track/"
    try:
        wait_http(url, server)
        statuses = []
        for _ in range(10):
            jar = http.cookiejar.CookieJar()  # a fresh visitor each time: only the address links the guesses
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(url, timeout=HANG).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": "NOSUCH", "last4": "1234"})
            try:
                statuses.append(opener.open(url, body.encode(), timeout=HANG).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        assert statuses[:5] == [400] * 5 and statuses[5:] == [429] * 5, statuses
    finally:
        stop(server)


def test_serve_and_worker_refuse_to_start_without_explicit_keys(built_env):
    """Production never runs on keys it made up: not on var/secret_key, not on a key derived from it."""
    for command in (["serve", "--bind", f"127.0.0.1:{free_port()}"], ["worker"]):
        refused = run(built_env, *command)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert (
            "SECRET_KEY is not set" in refused.stderr and "FIELD_ENCRYPTION_KEYS is not set" in refused.stderr
        )
        assert "lianxin manage make_keys" in refused.stderr and "show_derived_keys" in refused.stderr
    bad = with_keys(built_env) | {"FIELD_ENCRYPTION_KEYS": "not-a-key"}
    refused = run(bad, "serve", "--bind", f"127.0.0.1:{free_port()}")
    assert refused.returncode == 2 and "key 1 is not a Fernet key" in refused.stderr, refused.stderr


READ_A_PHONE = (
    "from lianxin.demands.models import Demand; "
    "print('phone:' + Demand.objects.exclude(requester_phone='').order_by('pk').first().requester_phone)"
)


def phone(env: dict[str, str]) -> str:
    shown = run(env, "manage", "shell", "-c", READ_A_PHONE)
    return next(line for line in shown.stdout.splitlines() if line.startswith("phone:"))


def test_a_town_on_derived_keys_moves_to_explicit_ones(built_env):
    """show_derived_keys prints what the town runs on; with those set, the key file can go and the personal
    data still decrypts; with fresh keys (make_keys) it does not: the printed keys are the ones that matter."""
    var = Path(built_env["LIANXIN_VAR_DIR"])
    before = phone(built_env)
    assert before.removeprefix("phone:").isdigit(), before
    explicit = with_keys(built_env)
    (var / "secret_key").unlink()
    assert phone(explicit) == before
    made = run(explicit, "manage", "make_keys")
    fresh = explicit | dict(line.split("=", 1) for line in made.stdout.splitlines() if "=" in line)
    assert fresh["FIELD_ENCRYPTION_KEYS"] != explicit["FIELD_ENCRYPTION_KEYS"]
    assert phone(fresh) == "phone:", "another key reads nothing"


def test_serve_never_migrates_it_asks_for_lianxin_migrate(built_env):
    """A migration not applied: serve and worker refuse and name `lianxin migrate`, which applies it."""
    env = with_keys(built_env)
    back = run(env, "manage", "migrate", "board", "0002_publication_board_order")
    assert back.returncode == 0, back.stderr
    for command in (["serve", "--bind", f"127.0.0.1:{free_port()}"], ["worker"]):
        refused = run(env, *command)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "migration not applied: board.0003_bounded_text" in refused.stderr
        assert "Run `lianxin migrate`" in refused.stderr
    migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying board.0003_bounded_text" in migrated.stdout
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "登录" in wait_http(f"http://127.0.0.1:{port}/accounts/login/", server)
    finally:
        out = stop(server)
    assert "Applying" not in out, "serve itself migrated nothing"


def test_static_files_are_collected_again_only_when_a_source_changed(tmp_path, settings, monkeypatch):
    from django.contrib.staticfiles.storage import staticfiles_storage

    from lianxin import cli

    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STATICFILES_DIRS = [str(tmp_path / "src")]
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "page.css"
    source.write_text("body { color: red; }")
    try:
        cli._collect_static()
        assert (tmp_path / "static" / "page.css").exists()
        (tmp_path / "static" / "page.css").unlink()
        cli._collect_static()
        assert not (tmp_path / "static" / "page.css").exists(), "nothing changed: not collected again"
        source.write_text("body { color: blue; }")  # a different size
        cli._collect_static()
        assert (tmp_path / "static" / "page.css").read_text() == "body { color: blue; }"
    finally:
        staticfiles_storage._wrapped = empty  # the next test's storage reads its own STATIC_ROOT


def test_upgrade_backs_up_then_migrates_and_stops_at_a_failed_step(built_env, tmp_path):
    """`lianxin upgrade` on a town one migration behind: the archive is of the town as it was (before the
    migration), then the migration is applied. With a malformed key the check fails first: no archive, and the
    migration stays unapplied (nothing after a failed step runs)."""
    env = with_keys(built_env)
    back = run(env, "manage", "migrate", "board", "0002_publication_board_order")
    assert back.returncode == 0, back.stderr

    broken = env | {"FIELD_ENCRYPTION_KEYS": "not-a-key"}
    refused = run(broken, "upgrade", "--no-restart", "--backup-dir", str(tmp_path / "refused"))
    assert refused.returncode != 0
    assert "check failed" in refused.stdout and "upgrade stopped" in refused.stdout, refused.stdout
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())
    assert " [ ] 0003_bounded_text" in run(env, "manage", "showmigrations", "board").stdout

    done = run(env, "upgrade", "--no-restart", "--backup-dir", str(tmp_path / "archives"))
    assert done.returncode == 0, done.stdout + done.stderr
    for step in ("check", "backup", "migrate", "static"):
        assert f"{step} done" in done.stdout, done.stdout
    (archive,) = (tmp_path / "archives").iterdir()
    from lianxin.ops.backup import read_manifest

    manifest = read_manifest(archive)
    assert "0002_publication_board_order" in manifest["migrations"]["board"]
    assert "0003_bounded_text" not in manifest["migrations"]["board"], "the archive is of the town before"
    assert " [X] 0003_bounded_text" in run(env, "manage", "showmigrations", "board").stdout
