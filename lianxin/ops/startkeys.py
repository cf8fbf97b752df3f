"""Keys at start: the product, run for real, never runs on keys it made up itself.

Without ``SECRET_KEY`` the settings make one and keep it in ``var/secret_key``, and without
``FIELD_ENCRYPTION_KEYS`` the key of personal data is derived from it. That suits the demo and the tests; in
production it means a database backup without that one file loses every name, phone and ID number. So
``lianxin serve``, ``lianxin worker`` and the WSGI entry point refuse to start unless both are in the
environment (``require_explicit_keys``), ``check --deploy`` names a derived key, and a town that ran on derived
keys prints them once (``show_derived_keys``) to set them explicitly.

This module reads only the environment at import, so the command line can refuse before Django starts.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping

from cryptography.fernet import Fernet

REQUIRED = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS")


def key_problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with the keys in ``environ`` (the process's by default), one line each; empty if nothing."""
    environ = os.environ if environ is None else environ
    problems = [f"{name} is not set" for name in REQUIRED if not environ.get(name, "").strip()]
    for index, key in enumerate(k.strip() for k in environ.get("FIELD_ENCRYPTION_KEYS", "").split(",")):
        if key and not is_fernet_key(key):
            problems.append(
                f"FIELD_ENCRYPTION_KEYS: key {index + 1} is not a Fernet key (44 url-safe base64 characters)"
            )
    return problems


def is_fernet_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


def refusal(problems: list[str], what: str) -> str:
    """The message a production process prints when it will not start: what is missing and how to make it."""
    lines = [f"lianxin {what}: refusing to start without explicit keys:"]
    lines += [f"  - {problem}" for problem in problems]
    lines += [
        "Set SECRET_KEY and FIELD_ENCRYPTION_KEYS in the service's environment (e.g. /etc/lianxin/lianxin.env).",
        "A new town: `lianxin manage make_keys` prints both, ready for the environment file.",
        "A town that ran without them: `lianxin manage show_derived_keys` prints the keys it runs on today;",
        "set exactly those, or its personal data no longer decrypts (docs/operations.md, Keys).",
    ]
    return "\n".join(lines)


def require_explicit_keys(what: str, environ: Mapping[str, str] | None = None) -> None:
    """Exit (status 2) with ``refusal`` unless both keys are in the environment and well formed."""
    if problems := key_problems(environ):
        print(refusal(problems, what), file=sys.stderr, flush=True)
        raise SystemExit(2)


def new_secret_key() -> str:
    """Url-safe, so it needs no quoting in an environment file or a systemd ``EnvironmentFile``."""
    return secrets.token_urlsafe(50)


def new_field_key() -> str:
    return Fernet.generate_key().decode()
