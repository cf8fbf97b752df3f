"""Database roles: the owner migrates, the application role only reads and writes rows.

On PostgreSQL the audit trail's append-only triggers hold only against a role that cannot switch them off: a
table's owner can ``TRUNCATE`` it, ``ALTER TABLE … DISABLE TRIGGER`` and (as a superuser) set
``session_replication_role = replica``, and no trigger sees any of that. So the web and the worker connect as a
role that owns nothing, and ``lianxin migrate`` (``migrate_as_owner``) runs the schema changes as the owner and
then grants that role its rows (``grant_app_role``). SQLite has no roles: there the grant is skipped.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from lianxin.audit.triggers import TABLE as AUDIT_TABLE

ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT, UPDATE"
# The audit table: read and append, and the DELETE of expired rows that its trigger allows (purge_expired).
# Never UPDATE (the trigger refuses it anyway), TRUNCATE (no trigger sees it), TRIGGER or REFERENCES.
AUDIT_REVOKED = "UPDATE, TRUNCATE, REFERENCES, TRIGGER"


def grant_statements(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """The SQL that gives ``role`` its rows in the connection's schema, now and for tables made later.

    1. Take back anything beyond rows (a role granted ALL by hand before keeps no TRUNCATE or TRIGGER).
    2. Rows of every table and view, the sequences behind the ids.
    3. On the audit table only SELECT, INSERT, DELETE.
    4. Default privileges, so a table a later migration makes (as this owner) is covered at once.
    """
    q = connection.ops.quote_name
    who, schema, audit = q(role), "public", q(AUDIT_TABLE)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"REVOKE {AUDIT_REVOKED} ON {audit} FROM {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {ROW_PRIVILEGES} ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {who}",
    ]


def current_role(connection: BaseDatabaseWrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return str(cursor.fetchone()[0])


def grant_app_role(role: str, using: str = "default") -> list[str]:
    """Run ``grant_statements`` as the connection's role (the owner); return what was run (nothing on SQLite)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    if role == current_role(connection):
        raise ValueError(f"the application role {role!r} is the owner itself: nothing to grant")
    statements = grant_statements(connection, role)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return statements


def migrate_as_owner(write: Callable[[str], object], using: str = "default") -> None:
    """What ``lianxin migrate`` does, as the owner (the settings connect as DATABASE_OWNER_URL's role):

    1. ``migrate``; its ``post_migrate`` installs the audit and same-town triggers again.
    2. ``createcachetable`` (the database cache ``lianxin serve`` counts rate limits in).
    3. Grant the application role (``DATABASE_APP_ROLE``, else DATABASE_URL's user) its rows.
    """
    call_command("migrate", interactive=False, verbosity=1, database=using)
    call_command("createcachetable", verbosity=0, database=using)
    connection = connections[using]
    if connection.vendor != "postgresql":
        write("lianxin migrate: SQLite has no roles; nothing to grant.")
        return
    role, owner = settings.DATABASE_APP_ROLE, current_role(connection)
    if not role or role == owner:
        write(
            f"lianxin migrate: WARNING: the application connects as {owner!r}, the owner of the tables, which can "
            "TRUNCATE the audit trail or switch its trigger off. Make an application role and set "
            "DATABASE_OWNER_URL (docs/operations.md, Database roles)."
        )
        return
    grant_app_role(role, using=using)
    write(f"lianxin migrate: granted {role!r} its rows (tables and sequences, and those made later).")


def unapplied_migrations(using: str = "default") -> list[str]:
    """The migrations on disk that the database has not applied, as ``app.name``."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def missing_cache_tables(using: str = "default") -> list[str]:
    """Database caches whose table ``lianxin migrate`` has not made yet."""
    tables = set(connections[using].introspection.table_names())
    return [
        str(cache["LOCATION"])
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache") and cache["LOCATION"] not in tables
    ]


def not_ready(using: str = "default") -> list[str]:
    """What keeps the web or the worker from starting on this database; each fixed by ``lianxin migrate``."""
    problems = [f"migration not applied: {name}" for name in unapplied_migrations(using)]
    problems += [f"cache table missing: {table}" for table in missing_cache_tables(using)]
    return problems


# True when the role owns the audit table or is a superuser: the triggers do not bind it.
OWNS_SQL = (
    "SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c, pg_roles r "  # noqa: S608 - a constant table name
    f"WHERE c.oid = to_regclass('{AUDIT_TABLE}') AND r.rolname = current_user"
)


def owns_tables(using: str = "default") -> bool:
    """Whether the connection's role can switch the audit trail's protection off (serve and worker warn)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(OWNS_SQL)
        row = cursor.fetchone()
    return bool(row and row[0])
