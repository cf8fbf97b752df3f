"""Production settings: `check --deploy` is clean with HTTPS on, the proxy header is honoured when named, and
rate-limit counters are shared between the workers of `lianxin serve`."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .test_commands import BIN, free_port, stop, wait_http

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # real processes


def manage(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
    )


def production(environ: dict[str, str], **extra: str) -> dict[str, str]:
    drop = (
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_COOKIES",
        "CACHE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests' setting, never a deployment's
    )
    return {k: v for k, v in environ.items() if k not in drop} | {"DEBUG": "false"} | extra


def test_check_deploy_is_clean_with_https_on(env):
    out = manage(production(env, HTTPS="true"), "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_without_https_the_check_names_what_is_missing(env):
    out = manage(production(env), "check", "--deploy")
    assert "W012" in out.stderr + out.stdout, (
        "plain HTTP: the session cookie is not secure, and the check says so"
    )


SHOW = "from django.conf import settings as s; print(repr(s.SECURE_PROXY_SSL_HEADER), s.SECURE_SSL_REDIRECT)"


def test_the_proxy_header_is_read_from_the_environment(env):
    plain = manage(production(env, HTTPS="true"), "shell", "-c", SHOW)
    assert plain.stdout.strip().splitlines()[-1] == "None True"
    proxied = manage(
        production(env, HTTPS="true", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"), "shell", "-c", SHOW
    )
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True"


MAKE_TOWN = """
from lianxin.core.models import County, Town
county, _ = County.objects.get_or_create(code="410724", defaults={"name": "获嘉县"})
Town.objects.get_or_create(
    code="410724100", defaults={"name": "城关镇", "county": county, "centre_lat": 35.26, "centre_lng": 113.66}
)
"""


def test_serve_shares_rate_limit_counters_between_workers(env):
    """Two gunicorn workers, ten wrong tracking guesses: the limit of five holds across both."""
    env = production(env, PORTAL_TRACK_FAIL_RATE="5/15m")
    assert manage(env, "migrate", "-v0").returncode == 0
    made = manage(env, "shell", "-c", MAKE_TOWN)
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/m/410724100/track/"
    try:
        wait_http(url, server)
        statuses = []
        for _ in range(10):
            jar = http.cookiejar.CookieJar()  # a fresh visitor each time: only the address links the guesses
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(url, timeout=10).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": "NOSUCH", "last4": "1234"})
            try:
                statuses.append(opener.open(url, body.encode(), timeout=10).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
        assert statuses[:5] == [400] * 5 and statuses[5:] == [429] * 5, statuses
    finally:
        stop(server)
