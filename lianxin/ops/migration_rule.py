"""The upgrade rule: a release's migrations must run while the previous release still serves.

An upgrade migrates first and restarts the web and the worker after, so for a while the old code reads and writes
the new schema. Whatever a new migration does must leave that old code working: no column or table dropped or
renamed, no NOT NULL column the old code does not fill. A change that needs one (a rename, say) is made in two
releases: add and write both, then drop the old one in the next release, allowed explicitly below.

- "The last release" is ``released_migrations.txt`` beside this module: every migration of the last released
  version, one ``app_label.name`` a line, written at release time by ``lianxin manage release_migrations``.
  Any migration on disk not in it is new, and checked.
- A new migration's PostgreSQL SQL (``sqlmigrate``) is read by django-migration-linter's analyser, keeping only
  the tests of this rule (``RULE``); its other tests (locks, unique constraints, data migrations) are advice.
  SQLite rebuilds a table for nearly any change, so its SQL says nothing here: the check needs PostgreSQL.
- ``migrations_allowed.txt``: ``app_label.name: reason`` lines, the second step of a two-step change.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django_migration_linter.sql_analyser import PostgresqlAnalyser
from django_migration_linter.sql_analyser.analyser import analyse_sql_statements

HERE = Path(__file__).resolve().parent
RELEASED = HERE / "released_migrations.txt"
ALLOWED = HERE / "migrations_allowed.txt"

# The linter's tests that are this rule; every other test of it is excluded.
RULE = {
    "DROP_COLUMN": "drops a column the old release reads",
    "RENAME_COLUMN": "renames a column the old release reads",
    "DROP_TABLE": "drops a table the old release reads",
    "RENAME_TABLE": "renames a table the old release reads",
    "NOT_NULL": "makes a column NOT NULL without a database default (the old release's inserts fail)",
}
OTHER_TESTS = (
    "ALTER_COLUMN",
    "ADD_UNIQUE",
    "CREATE_INDEX",
    "CREATE_INDEX_EXCLUSIVE",
    "DROP_INDEX",
    "REINDEX",
)


@dataclass(frozen=True)
class Breach:
    migration: str  # app_label.name
    problem: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.problem}"


def read_list(path: Path) -> list[str]:
    """Non-empty lines, comments (#) dropped."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def read_allowed(path: Path = ALLOWED) -> tuple[dict[str, str], list[Breach]]:
    """The allowed migrations and their reasons; a line without a reason is itself a breach."""
    allowed: dict[str, str] = {}
    bad: list[Breach] = []
    for line in read_list(path):
        name, _, reason = line.partition(":")
        if reason.strip():
            allowed[name.strip()] = reason.strip()
        else:
            bad.append(Breach(name.strip(), f"allowed without a reason in {path.name}"))
    return allowed, bad


def disk_migrations(using: str = "default") -> list[str]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True, load=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def write_released(path: Path = RELEASED, using: str = "default") -> int:
    """At release time: record every migration on disk as released; return how many."""
    names = disk_migrations(using)
    header = (
        "# The migrations of the last released version of Lianxin (lianxin manage release_migrations).\n"
        "# Migrations not listed here are new, and must run while this release still serves\n"
        "# (lianxin/ops/migration_rule.py, docs/operations.md Upgrades).\n"
    )
    path.write_text(header + "".join(f"{name}\n" for name in names), encoding="utf-8")
    return len(names)


def breaches_in(migration: str, using: str = "default") -> list[Breach]:
    """The rule's breaches in one migration, read from the SQL PostgreSQL would run for it."""
    app_label, name = migration.split(".", 1)
    out = io.StringIO()
    sql = call_command("sqlmigrate", app_label, name, database=using, stdout=out)
    errors, _ignored, _warnings = analyse_sql_statements(
        PostgresqlAnalyser, sql.splitlines(), exclude_migration_tests=OTHER_TESTS
    )
    found: list[Breach] = []
    for issue in errors:
        where = ".".join(part for part in (issue.table, issue.column) if part)
        text = RULE.get(issue.code, issue.message)
        found.append(Breach(migration, f"{issue.code}: {text}" + (f" ({where})" if where else "")))
    return list(dict.fromkeys(found))  # the NOT NULL test reads the whole migration: once is enough


def check(
    *, released_path: Path = RELEASED, allowed_path: Path = ALLOWED, using: str = "default"
) -> tuple[list[str], list[Breach]]:
    """Return the new migrations and every breach of the rule among them (empty: the upgrade is safe)."""
    if connections[using].vendor != "postgresql":
        raise RuntimeError(
            "the migration rule reads PostgreSQL's SQL: run it with DATABASE_URL on PostgreSQL"
        )
    released = set(read_list(released_path))
    on_disk = disk_migrations(using)
    allowed, breaches = read_allowed(allowed_path)
    breaches += [
        Breach(name, "released, and gone from disk (databases of the last release have it applied)")
        for name in sorted(released - set(on_disk))
    ]
    new = [name for name in on_disk if name not in released]
    for name in new:
        if name not in allowed:
            breaches += breaches_in(name, using)
    return new, breaches
