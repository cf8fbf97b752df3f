"""Encrypted text for personal data at rest (Fernet, key from settings).

STACK.md names no library for this; the candidates on PyPI are forks of an abandoned package, so this
is a small field over ``cryptography``'s Fernet. Lookups go through a keyed hash column kept beside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    """First key encrypts; every key decrypts, so keys can be rotated (FIELD_ENCRYPTION_KEYS)."""
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    if not keys:
        digest = hashlib.sha256(f"lianxin-field:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def lookup_hash(value: str) -> str:
    """A keyed hash for equality lookups of encrypted values (e.g. the same phone number)."""
    key = hashlib.sha256(f"lianxin-lookup:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores ``gAAAA…`` ciphertext; Python code sees the plain string."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return _fernet().encrypt(str(value).encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        try:
            return _fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            return ""  # a key that is gone: show nothing rather than ciphertext
