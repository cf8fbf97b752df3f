"""Production settings: `check --deploy` is clean with HTTPS on, and the proxy header is honoured when named.
(That rate-limit counters are shared between the workers of `lianxin serve` is tested in test_commands.py,
on the demo that module builds once.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import HANG

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # real processes


def manage(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=HANG,
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
    return {k: v for k, v in environ.items() if k not in drop} | {"DEBUG": "false"} | KEYS | extra


# Production sets both keys explicitly (lianxin manage make_keys); these are the tests' own.
KEYS = {
    "SECRET_KEY": "lianxin-deploy-test-only-" + "s" * 40,
    "FIELD_ENCRYPTION_KEYS": "Y5Qe0HnB2vR7m3cX8kT1pL6sW9dF4gJ0aZ2uE5iO7yM=",
}


def test_check_deploy_is_clean_with_https_on(env):
    out = manage(production(env, HTTPS="true"), "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_without_https_the_check_names_what_is_missing(env):
    out = manage(production(env), "check", "--deploy")
    assert "W012" in out.stderr + out.stdout, (
        "plain HTTP: the session cookie is not secure, and the check says so"
    )


def test_the_check_names_a_derived_field_key_and_a_key_file(env):
    derived = {k: v for k, v in production(env, HTTPS="true").items() if k not in KEYS}
    out = manage(derived, "check", "--deploy")
    assert "lianxin.keys.W001" in out.stderr + out.stdout, out.stderr
    assert "lianxin.keys.W002" in out.stderr + out.stdout, out.stderr
    assert "show_derived_keys" in out.stderr + out.stdout


def test_a_malformed_field_key_stops_every_command(env):
    out = manage(production(env, FIELD_ENCRYPTION_KEYS="not-a-fernet-key"), "check")
    assert out.returncode != 0 and "lianxin.keys.E001" in out.stderr, out.stderr


SHOW = "from django.conf import settings as s; print(repr(s.SECURE_PROXY_SSL_HEADER), s.SECURE_SSL_REDIRECT)"


def test_the_proxy_header_is_read_from_the_environment(env):
    plain = manage(production(env, HTTPS="true"), "shell", "-c", SHOW)
    assert plain.stdout.strip().splitlines()[-1] == "None True"
    proxied = manage(
        production(env, HTTPS="true", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"), "shell", "-c", SHOW
    )
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True"
