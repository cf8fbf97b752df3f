"""Which keys a database needs, named by fingerprint, and proof that every encrypted value opens with them.

A backup of the database is worth nothing without two secrets kept outside it: the field-encryption keys
(``FIELD_ENCRYPTION_KEYS``, or the one derived from ``SECRET_KEY`` when that list is empty) that open every
name, phone and ID number, and ``SECRET_KEY`` itself, which keys the lookup hashes stored beside encrypted
phones (``lianxin/core/fields.py``). The backup's manifest records a short SHA-256 fingerprint of each (never
the key), so a restore can say which key is missing before it writes anything, and ``check_keys`` proves
against the rows themselves that the configured keys open every value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connections

from lianxin.core import fields

FINGERPRINT_CHARS = 16  # 64 bits: enough to tell keys apart, far too few to help guess one
BATCH = 500


def fingerprint(secret: str) -> str:
    """A short, one-way name for a key (a salted SHA-256, so it matches no other system's hash of it)."""
    return hashlib.sha256(f"lianxin-key-fingerprint:{secret}".encode()).hexdigest()[:FINGERPRINT_CHARS]


def _field_keys() -> tuple[list[str], bool]:
    """The field keys in force, and whether they were derived from SECRET_KEY (no list configured)."""
    keys = [str(k) for k in (getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])]
    if keys:
        return keys, False
    return [fields.derived_field_key(settings.SECRET_KEY)], True


def field_keys_in_force() -> list[str]:
    """The field keys this process encrypts and decrypts with (configured, or the one derived)."""
    return _field_keys()[0]


def fingerprints() -> dict[str, Any]:
    """What the manifest records: SECRET_KEY's fingerprint and each field key's, in the configured order."""
    keys, derived = _field_keys()
    return {
        "SECRET_KEY": fingerprint(str(settings.SECRET_KEY)),
        "FIELD_ENCRYPTION_KEYS": [fingerprint(k) for k in keys],
        "field_keys_derived_from_secret_key": derived,
    }


def missing(recorded: dict[str, Any]) -> list[str]:
    """The keys a backup needs that this configuration lacks, each named (empty: the keys match).

    Every field key the backup had must be configured (values may be under any of them; a new key put first
    for a rotation is fine), and SECRET_KEY must be the same, or no phone is found again by its hash."""
    now = fingerprints()
    gone: list[str] = []
    if recorded.get("SECRET_KEY") != now["SECRET_KEY"]:
        gone.append(f"SECRET_KEY (fingerprint {recorded.get('SECRET_KEY')})")
    have = set(now["FIELD_ENCRYPTION_KEYS"])
    derived = recorded.get("field_keys_derived_from_secret_key", False)
    for position, print_ in enumerate(recorded.get("FIELD_ENCRYPTION_KEYS", []), start=1):
        if print_ not in have:
            name = (
                "the field key derived from SECRET_KEY (FIELD_ENCRYPTION_KEYS was empty)"
                if derived
                else f"FIELD_ENCRYPTION_KEYS entry {position}"
            )
            gone.append(f"{name} (fingerprint {print_})")
    return gone


@dataclass
class ColumnReport:
    """One encrypted column: values present, values the keys open, values they do not (plain text included)."""

    table: str
    column: str
    rows: int = 0
    decrypted: int = 0
    failed: int = 0


def _columns() -> list[tuple[str, str, str]]:
    """(table, column, primary key column) of every encrypted column, once each (proxies share a table)."""
    seen: dict[tuple[str, str], str] = {}
    for model, name in fields.encrypted_columns():
        meta = model._meta
        seen.setdefault((meta.db_table, meta.get_field(name).column), meta.pk.column)
    return [(table, column, pk) for (table, column), pk in sorted(seen.items())]


def _raw_values(using: str, table: str, column: str, pk: str) -> Iterator[str]:
    """The column's stored text, read raw (the field would turn a value it cannot open into ""), in batches
    by primary key so a million rows never sit in memory at once."""
    connection = connections[using]
    qn = connection.ops.quote_name
    last: Any = None
    while True:
        where = f"WHERE {qn(pk)} > %s" if last is not None else ""
        sql = (
            f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} {where} "  # noqa: S608 - names from the models
            f"ORDER BY {qn(pk)} LIMIT {BATCH}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [last] if last is not None else [])
            rows = cursor.fetchall()
        for _key, value in rows:
            if value not in (None, ""):
                yield str(value)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def check(using: str = "default") -> list[ColumnReport]:
    """Try every stored encrypted value with the configured keys; nothing is written, no value is kept."""
    fernet = fields._fernet()
    reports = []
    existing = set(connections[using].introspection.table_names())
    for table, column, pk in _columns():
        report = ColumnReport(table, column)
        if table in existing:
            for value in _raw_values(using, table, column, pk):
                report.rows += 1
                try:
                    fernet.decrypt(value.encode())
                    report.decrypted += 1
                except InvalidToken:
                    report.failed += 1
        reports.append(report)
    return reports
