"""The application role on PostgreSQL (issue 24, part 4): what `lianxin migrate` grants it is its everyday work,
and nothing that switches the audit trail's protection off. Each refusal has its control: the owner can.

Roles are cluster-wide and xdist workers share the cluster, so each test makes a role of its own and drops it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.db.models import Model

from lianxin.audit.models import AuditEntry, Kind
from lianxin.demands.models import Demand
from lianxin.ops.database import OWNS_SQL, grant_app_role, owns_tables

from ..factories import DemandFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

REFUSALS = [
    pytest.param("TRUNCATE audit_auditentry", id="truncate"),
    pytest.param("ALTER TABLE audit_auditentry DISABLE TRIGGER ALL", id="disable-trigger"),
    pytest.param("SET session_replication_role = replica", id="replication-role"),
]


@pytest.fixture
def app_role() -> Iterator[str]:
    """A fresh login role granted by the product's own grant (committed: other connections see it)."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = f"lx_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        grant_app_role(role)
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')  # its grants and default privileges in this database
            cursor.execute(f'DROP ROLE "{role}"')


def connect(user: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=int(s["PORT"] or 5432),
        dbname=s["NAME"],
        user=user,
        autocommit=autocommit,
    )


def insert_as(conn: psycopg.Connection[Any], obj: Model) -> int:
    """INSERT ``obj``'s row through ``conn``, with the values Django itself would write (encrypted fields too)."""
    fields = [f for f in type(obj)._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    row = conn.execute(
        f"INSERT INTO {type(obj)._meta.db_table} ({columns}) VALUES ({placeholders}) RETURNING id",  # noqa: S608
        values,
    ).fetchone()
    assert row is not None
    return int(row[0])


def young_entry() -> AuditEntry:
    return AuditEntry(kind=Kind.ADMIN, action="role-test", object_label="a young row")


@pytest.mark.parametrize("statement", REFUSALS)
def test_the_app_role_cannot_switch_the_audit_protection_off(app_role, statement):
    with connect(app_role) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(statement)


@pytest.mark.parametrize("statement", REFUSALS)
def test_the_owner_can_which_is_why_the_app_must_not_be_it(app_role, statement):
    """The control: the same statement, as the owner the tests connect as, succeeds (then is rolled back)."""
    with connect(connection.settings_dict["USER"], autocommit=False) as owner:
        owner.execute(statement)
        owner.rollback()


def test_the_app_role_cannot_change_or_delete_a_young_audit_row(app_role):
    with connect(app_role) as app:
        entry = insert_as(app, young_entry())  # its everyday work: appending to the trail
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("UPDATE audit_auditentry SET reason = 'rewritten' WHERE id = %s", [entry])
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            app.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry])
    assert AuditEntry.objects.filter(pk=entry, reason="").exists()


def test_the_app_role_does_its_everyday_work(app_role):
    demand = DemandFactory()
    copy = DemandFactory.build(town=demand.town, category=demand.category, code="ROLE0000001")
    with connect(app_role) as app:
        new = insert_as(app, copy)
        app.execute("UPDATE demands_demand SET title = %s WHERE id = %s", ["路灯修好了", demand.pk])
        app.execute("DELETE FROM demands_demand WHERE id = %s", [new])
        insert_as(app, young_entry())
        count = app.execute("SELECT count(*) FROM audit_auditentry").fetchone()
    assert Demand.objects.get(pk=demand.pk).title == "路灯修好了"
    assert not Demand.objects.filter(pk=new).exists()
    assert count == (AuditEntry.objects.count(),)


def test_a_table_a_later_migration_makes_is_granted_at_once(app_role):
    """Default privileges: a table the owner makes after the grant is the app role's too, without a new grant."""
    table = f"lx_later_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {table} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)"
        )
    try:
        with connect(app_role) as app:
            app.execute(f"INSERT INTO {table} (note) VALUES ('x')")  # noqa: S608 - the test's own table
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(f"TRUNCATE {table}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")


def test_serve_and_worker_can_tell_the_owner_from_the_app_role(app_role):
    """What ``lianxin serve`` warns on: the owner (a superuser here) is told apart from the application role."""
    assert owns_tables()
    with connect(app_role) as app:
        assert app.execute(OWNS_SQL).fetchone() == (False,)
