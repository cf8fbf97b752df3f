"""Database triggers that keep the audit trail append-only, whatever the application (or a raw SQL
statement through its connection) tries: UPDATE is always refused; DELETE only of rows older than the
retention period (``AUDIT_RETENTION_DAYS``, at least 180), which ``purge_expired`` removes.

They are installed after every ``migrate``, like the same-town triggers (``lianxin/core/integrity.py``),
because SQLite drops a table's triggers when Django rebuilds it; the retention in force is written into
the trigger each time. On PostgreSQL, TRUNCATE is a table owner's statement no row trigger sees:
production runs the application under a role without TRUNCATE on this table (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connections

MESSAGE = "lianxin: audit entries are append-only"
MINIMUM_RETENTION_DAYS = 180
TABLE = "audit_auditentry"
NAME = "lx_audit_append_only"


def retention_days() -> int:
    return max(MINIMUM_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)))


def _sqlite_sql(days: int) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {NAME}_u",
        f"DROP TRIGGER IF EXISTS {NAME}_d",
        f"CREATE TRIGGER {NAME}_u BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        # Django stores UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as datetime('now') does.
        f"CREATE TRIGGER {NAME}_d BEFORE DELETE ON {TABLE} FOR EACH ROW "
        f"WHEN OLD.at > datetime('now', '-{days} days') "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgres_sql(days: int) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'UPDATE' OR OLD.at > now() - interval '{days} days' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN OLD;
        END $$ LANGUAGE plpgsql""",
        f"CREATE OR REPLACE TRIGGER {NAME} BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {NAME}()",
    ]


def install(sender: Any = None, using: str = "default", **_: Any) -> None:
    """Create (or replace) the triggers; safe to run any number of times."""
    if sender is not None and getattr(sender, "label", None) != "audit":
        return
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    days = retention_days()
    statements = _postgres_sql(days) if connection.vendor == "postgresql" else _sqlite_sql(days)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_sqlite_triggers(using: str = "default") -> None:
    """Only for ``flush`` on SQLite (tests that need an empty database): SQLite empties a table with a
    DELETE the trigger refuses, PostgreSQL with a TRUNCATE. ``flush`` ends with ``post_migrate``, which
    installs the triggers again."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_u")
            cursor.execute(f"DROP TRIGGER IF EXISTS {NAME}_d")


def purge_expired(*, now: dt.datetime | None = None, using: str = "default") -> int:
    """Delete the entries older than the retention period (the only delete the triggers allow)."""
    from django.utils import timezone

    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    with connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE at < %s", [cutoff])
        return int(cursor.rowcount)
