# ruff: noqa: S608 - SQL built from table and column names of our own models, never from input
"""The benchmark's datasets: the demo town as the generator makes it, and a county of about N demands.

The county is the generator's towns (each its demo year: demands, events, assignments, people, places), then
every town's demands copied by SQL (``INSERT … SELECT`` over a series, in the database, no Python per row)
until the county holds about N demands: each copy keeps its town, category, cell, deputy and department,
gets new ids and a code with a suffix (a merged copy points to the original it was merged into), and brings its events and its assignment along, so the proportions
(events and assignments per demand, statuses, channels) stay the demo's. A marker table records what was
built with which parameters: a rerun with the same parameters reuses the database and only measures.
"""

from __future__ import annotations

import json
import time
from typing import Any

MARKER = "bench_dataset"


def _marker(connection: Any) -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (name varchar(40) PRIMARY KEY, params text)")
        cursor.execute(f"SELECT params FROM {MARKER} WHERE name = %s", ["dataset"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _mark(connection: Any, params: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER} WHERE name = %s", ["dataset"])
        cursor.execute(
            f"INSERT INTO {MARKER} (name, params) VALUES (%s, %s)", ["dataset", json.dumps(params)]
        )


def build(*, kind: str, demands: int = 0, towns: int = 1, force: bool = False) -> dict[str, Any]:
    """Build (or find already built) the dataset in the configured database; returns what it holds."""
    from django.core.management import call_command
    from django.db import connection

    wanted = {"kind": kind, "towns": towns, "demands": demands if kind == "county" else 0, "version": 2}
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    found = _marker(connection)
    if found and not force and {k: found.get(k) for k in wanted} == wanted:
        return found | {"reused": True}
    if found:  # other parameters: start again from empty tables
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("demo_town", scale=towns if kind == "county" else 1, quiet=True)
    generated = time.perf_counter() - started
    copies = 0
    if kind == "county":
        copies = clone_demands(target=demands)
        # Rows copied by SQL pass no service: the per-town status counters are rebuilt from the table.
        call_command("recount_demands", verbosity=0)
    built = time.perf_counter() - started
    params = (
        wanted
        | {
            "build_seconds": round(built, 1),
            "generator_seconds": round(generated, 1),
            "copies": copies,
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }
        | counts()
    )
    _mark(connection, params)
    return params | {"reused": False}


def counts() -> dict[str, int]:
    from lianxin.demands.models import Assignment, Demand, DemandEvent

    return {
        "rows_demands": Demand.objects.count(),
        "rows_events": DemandEvent.objects.count(),
        "rows_assignments": Assignment.objects.count(),
    }


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def clone_demands(*, target: int, rows_per_statement: int = 25_000) -> int:
    """Copy the demands (with their events and assignment) until there are about ``target``; returns the
    number of copies of each demand made."""
    from django.db import connection, transaction

    from lianxin.demands.models import Assignment, Demand, DemandEvent

    base = Demand.objects.count()
    if base == 0 or target <= base:
        return 0
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        strides = {}
        for model in (Demand, DemandEvent, Assignment):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            strides[model] = cursor.fetchone()[0]
    d_stride = strides[Demand]
    assigned = Assignment.objects.count()
    # Each copy takes every demand with an assignment and one in four of the others (≈ 0.93 assignments per
    # demand, as a county's year has), each with its first two and its last event (≈ 3 events per demand).
    per_copy = assigned + (base - assigned) / 4
    copies = max(0, round((target - base) / per_copy))
    a_table = Assignment._meta.db_table

    def select(model: Any) -> str:
        demand_id = "id" if model is Demand else "demand_id"
        exprs = []
        for col in _columns(model):
            if col == "id":
                exprs.append(f"t.id + g * {strides[model]}")
            elif col == "demand_id":
                exprs.append(f"t.{col} + g * {d_stride}")
            elif model is Demand and col == "code":
                exprs.append("t.code || '-' || CAST(g AS varchar(8))")
            elif model is Demand and col == "intake_key":
                exprs.append("''")
            else:
                exprs.append(f"t.{col}")
        table = model._meta.db_table
        if postgres:
            series = "generate_series(%s, %s) AS s(g)"
        else:
            series = "(WITH RECURSIVE s(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM s WHERE g < %s) SELECT g FROM s) s"
        source = f"(SELECT * FROM {table} WHERE {demand_id} <= {d_stride}) t"
        where = f"(EXISTS (SELECT 1 FROM {a_table} a WHERE a.demand_id = t.{demand_id}) OR (t.{demand_id} + g) %% 4 = 0)"
        if model is DemandEvent:
            source = (
                f"(SELECT e.*, ROW_NUMBER() OVER (PARTITION BY demand_id ORDER BY at, id) AS bench_rn, "
                f"COUNT(*) OVER (PARTITION BY demand_id) AS bench_n FROM {table} e WHERE demand_id <= {d_stride}) t"
            )
            where += " AND (t.bench_rn <= 2 OR t.bench_rn = t.bench_n)"
        return (
            f"INSERT INTO {table} ({', '.join(_columns(model))}) SELECT {', '.join(exprs)} "
            f"FROM {source} CROSS JOIN {series} WHERE {where}"
        )

    chunk = max(1, round(rows_per_statement / per_copy))  # copies per statement: one transaction each
    for first in range(1, copies + 1, chunk):
        last = min(copies, first + chunk - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:  # a copy of checked rows: no need to run the same-town and audit triggers again
                cursor.execute("SET LOCAL session_replication_role = replica")
            for model in (Demand, DemandEvent, Assignment):
                cursor.execute(select(model), [first, last])
            if postgres:
                cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        for model in (Demand, DemandEvent, Assignment):
            table = model._meta.db_table
            if postgres:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    if postgres and not connection.in_atomic_block:  # VACUUM runs outside a transaction only
        with connection.cursor() as cursor:
            for model in (Demand, DemandEvent, Assignment):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return copies
