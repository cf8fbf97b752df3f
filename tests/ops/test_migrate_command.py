"""`lianxin migrate` end to end on PostgreSQL: a database of its own owned by an owner role, an application role
that owns nothing; the owner migrates and grants, the application role then finds the database ready and cannot
truncate the audit trail. Real processes, as a town's server runs them."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from ..conftest import HANG, private_env

BIN = Path(sys.executable).parent / "lianxin"
KEYS = {
    "SECRET_KEY": "lianxin-migrate-test-only-" + "m" * 40,
    "FIELD_ENCRYPTION_KEYS": "Y5Qe0HnB2vR7m3cX8kT1pL6sW9dF4gJ0aZ2uE5iO7yM=",
}
AS_THE_APP = """
from django.db import connection
from lianxin.ops.database import not_ready, owns_tables
print("ready:", not_ready(), owns_tables())
try:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    print("truncate: done")
except Exception as error:
    print("truncate: refused", type(error).__name__)
"""

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


def test_lianxin_migrate_runs_as_the_owner_and_grants_the_app_role(tmp_path, db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    s = connection.settings_dict
    host, port, tag = s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432), uuid.uuid4().hex[:10]
    owner, app, name = f"lx_own_{tag}", f"lx_app_{tag}", f"lx_migrate_{tag}"
    with psycopg.connect(host=host, port=port, dbname="postgres", user=s["USER"], autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        try:
            env = private_env(tmp_path) | KEYS
            env |= {
                "DATABASE_URL": f"postgres://{app}@{host}:{port}/{name}",
                "DATABASE_OWNER_URL": f"postgres://{owner}@{host}:{port}/{name}",
            }
            before = subprocess.run([BIN, "worker"], env=env, capture_output=True, text=True, timeout=HANG)
            assert before.returncode == 2 and "Run `lianxin migrate`" in before.stderr, before.stderr
            migrated = subprocess.run([BIN, "migrate"], env=env, capture_output=True, text=True, timeout=HANG)
            assert migrated.returncode == 0, migrated.stderr[-3000:]
            assert f"granted '{app}' its rows" in migrated.stdout
            shell = subprocess.run(
                [BIN, "manage", "shell", "-c", AS_THE_APP],
                env=env,
                capture_output=True,
                text=True,
                timeout=HANG,
            )
            assert "ready: [] False" in shell.stdout, shell.stdout + shell.stderr
            assert "truncate: refused ProgrammingError" in shell.stdout, shell.stdout
            # The application role cannot change the schema: Django's own migrate under it (which reinstalls the
            # triggers) is refused by the database.
            again = subprocess.run(
                [BIN, "manage", "migrate"], env=env, capture_output=True, text=True, timeout=HANG
            )
            assert again.returncode != 0 and "permission denied" in again.stderr, again.stderr[-2000:]
            tables = psycopg.connect(host=host, port=port, dbname=name, user=owner, autocommit=True)
            with tables:
                owners = tables.execute(
                    "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            assert owners == [(owner,)], "every table, the cache table too, is the owner's"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{app}"')
            admin.execute(f'DROP ROLE IF EXISTS "{owner}"')
