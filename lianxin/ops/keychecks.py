"""System checks for the keys: ``check --deploy`` names a key the product made up itself, and any ``check`` (so
every management command) stops on a field key that is not a Fernet key."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import checks

from .startkeys import is_fernet_key


@checks.register(checks.Tags.security, deploy=True)
def derived_keys(app_configs: Any = None, **_: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if not getattr(settings, "FIELD_ENCRYPTION_KEYS", None):
        found.append(
            checks.Warning(
                "FIELD_ENCRYPTION_KEYS is not set: personal data is encrypted with a key derived from SECRET_KEY.",
                hint="Set it explicitly: `lianxin manage show_derived_keys` prints the key in use today "
                "(docs/operations.md, Keys). `lianxin serve` refuses to start without it.",
                id="lianxin.keys.W001",
            )
        )
    if not os.environ.get("SECRET_KEY", "").strip():
        found.append(
            checks.Warning(
                "SECRET_KEY is not in the environment: it is read from a file under the var directory.",
                hint="Set it explicitly, to the value in use today (`lianxin manage show_derived_keys`): phone "
                "lookups are keyed by it, so it must never change.",
                id="lianxin.keys.W002",
            )
        )
    return found


@checks.register(checks.Tags.security)
def field_keys_well_formed(app_configs: Any = None, **_: Any) -> list[checks.CheckMessage]:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    return [
        checks.Error(
            f"FIELD_ENCRYPTION_KEYS: key {index + 1} is not a Fernet key.",
            hint="`lianxin manage make_keys` prints a good one.",
            id="lianxin.keys.E001",
        )
        for index, key in enumerate(keys)
        if not is_fernet_key(key)
    ]
