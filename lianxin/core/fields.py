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
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from . import forms as core_forms
from . import validators


def derived_field_key(secret_key: str) -> str:
    """The Fernet key used when FIELD_ENCRYPTION_KEYS is unset (the demo, the tests, a town set up before keys
    were required): ``lianxin manage show_derived_keys`` prints it so such a town can set it explicitly."""
    digest = hashlib.sha256(f"lianxin-field:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    """First key encrypts; every key decrypts, so keys can be rotated (FIELD_ENCRYPTION_KEYS)."""
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []) or [
        derived_field_key(settings.SECRET_KEY)
    ]
    return MultiFernet([Fernet(k) for k in keys])


def lookup_hash(value: str) -> str:
    """A keyed hash for equality lookups of encrypted values (e.g. the same phone number). Keyed by SECRET_KEY,
    which is why a town's SECRET_KEY must never change: every stored hash would stop matching."""
    key = hashlib.sha256(f"lianxin-lookup:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


class BoundedTextField(models.TextField):
    """A text column whose ``max_length`` (see ``core.limits``) the model checks too, as a CharField's: Django
    hands a TextField's ``max_length`` to forms and DRF only. The database column stays ``text``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class EncryptedTextField(BoundedTextField):
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


class _Folded(EncryptedTextField):
    """An encrypted number folded to ASCII whenever it is cleaned or saved (``fold`` below), and checked."""

    fold: Any = staticmethod(validators.fold)
    form_class: Any = None  # the form field that folds the same way (set below)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return self.fold(value) if value else value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": self.form_class, "widget": forms.TextInput, **kwargs})


class EncryptedPhoneField(_Folded):
    """A phone number, encrypted; full-width digits are folded to ASCII before it is checked or stored."""

    default_validators = [validators.validate_phone]
    fold = staticmethod(validators.normalise_phone)
    form_class = core_forms.PhoneField


class EncryptedIdNumberField(_Folded):
    """A resident ID number, encrypted; folded to ASCII (``ｘ`` → ``X``, no spaces) before it is checked."""

    default_validators = [validators.validate_id_number]
    fold = staticmethod(validators.normalise_id_number)
    form_class = core_forms.IdNumberField


def is_ciphertext(value: str) -> bool:
    return value.startswith("gAAAA")


def encrypt_plain_columns(connection: Any, table: str, column: str) -> int:
    """Encrypt, in place, the plain values of a column that has just become an ``EncryptedTextField`` (a data
    migration: read and written raw, since the field would read plain text as a broken token)."""
    changed = 0
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)}")  # noqa: S608 - names from the migration
        for pk, value in cursor.fetchall():
            if value and not is_ciphertext(value):
                token = _fernet().encrypt(str(value).encode()).decode()
                cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [token, pk])  # noqa: S608
                changed += 1
    return changed


def decrypt_columns(connection: Any, table: str, column: str) -> int:
    """The reverse of ``encrypt_plain_columns``: back to plain text (a migration rolled back)."""
    changed = 0
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)}")  # noqa: S608
        for pk, value in cursor.fetchall():
            if value and is_ciphertext(value):
                try:
                    plain = _fernet().decrypt(value.encode()).decode()
                except InvalidToken:
                    continue
                cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", [plain, pk])  # noqa: S608
                changed += 1
    return changed


def encrypted_columns() -> list[tuple[Any, str]]:
    """Every (model, field name) stored through an ``EncryptedTextField``, historical models included."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_keys(connection: Any = None) -> int:
    """Re-encrypt every encrypted value with the first key of ``FIELD_ENCRYPTION_KEYS`` (values under an
    older key still in the list are read and written anew; a value no key reads is left as it is)."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    fernet = _fernet()
    changed = 0
    qn = connection.ops.quote_name
    for model, name in encrypted_columns():
        table, column = model._meta.db_table, model._meta.get_field(name).column
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)}")  # noqa: S608
            for key, value in cursor.fetchall():
                if not value or not is_ciphertext(value):
                    continue
                try:
                    token = fernet.rotate(value.encode()).decode()
                except InvalidToken:
                    continue
                cursor.execute(
                    f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s",  # noqa: S608
                    [token, key],
                )
                changed += 1
    return changed
