"""Database triggers that keep a reference inside one town.

Django 5.2 has no composite foreign keys, so ``(town_id, deputy_id) → deputy(town_id, id)`` cannot be
declared on a model. Each registered reference gets a trigger on insert and update that refuses a row
whose referenced row belongs to another town, on SQLite and on PostgreSQL alike. Apps register their
references in ``AppConfig.ready``; ``install_same_town_triggers`` runs after every ``migrate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, models

MESSAGE = "lianxin: reference crosses towns"


@dataclass(frozen=True)
class SameTown:
    model: type[models.Model]
    field: str  # a ForeignKey on ``model`` whose target is town-owned
    via: str = "town_id"  # the column on the target that holds its town

    @property
    def name(self) -> str:
        return f"lx_same_town_{self.model._meta.db_table}_{self.field}"[:60]


_registry: list[SameTown] = []


def same_town(model: type[models.Model], *fields: str) -> None:
    """Declare that each foreign key in ``fields`` must point at a row of the row's own town."""
    for field in fields:
        rule = SameTown(model, field)
        if rule not in _registry:
            _registry.append(rule)


def registered() -> list[SameTown]:
    return list(_registry)


def _parts(rule: SameTown) -> tuple[str, str, str]:
    fk = rule.model._meta.get_field(rule.field)
    assert isinstance(fk, models.ForeignKey)
    target = fk.related_model._meta.db_table
    return rule.model._meta.db_table, fk.column, target


def _sqlite_sql(rule: SameTown) -> list[str]:
    table, column, target = _parts(rule)
    check = (
        f"WHEN NEW.{column} IS NOT NULL AND "
        f"(SELECT town_id FROM {target} WHERE id = NEW.{column}) IS NOT NEW.town_id "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    )
    return [
        f"CREATE TRIGGER IF NOT EXISTS {rule.name}_i BEFORE INSERT ON {table} FOR EACH ROW {check}",
        f"CREATE TRIGGER IF NOT EXISTS {rule.name}_u BEFORE UPDATE ON {table} FOR EACH ROW {check}",
    ]


def _postgres_sql(rule: SameTown) -> list[str]:
    table, column, target = _parts(rule)
    return [
        f"""CREATE OR REPLACE FUNCTION {rule.name}() RETURNS trigger AS $$
        BEGIN
          IF NEW.{column} IS NOT NULL AND
             (SELECT town_id FROM {target} WHERE id = NEW.{column}) IS DISTINCT FROM NEW.town_id THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"CREATE OR REPLACE TRIGGER {rule.name} BEFORE INSERT OR UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {rule.name}()",
    ]


def install_same_town_triggers(sender: Any = None, using: str = "default", **_: Any) -> None:
    """Create (or replace) one trigger per registered reference; safe to run any number of times."""
    if sender is not None and getattr(sender, "label", None) != "core":
        return  # post_migrate fires once per app; once is enough
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for rule in _registry:
            if rule.model._meta.db_table not in existing:
                continue
            statements = _postgres_sql(rule) if connection.vendor == "postgresql" else _sqlite_sql(rule)
            for sql in statements:
                cursor.execute(sql)


def drop_same_town_triggers(apps: Any = None, schema_editor: Any = None) -> None:
    """Drop every same-town trigger on SQLite (a migration's first operation, ``RunPython``): SQLite refuses to
    rebuild a table that another table's trigger reads (Django rebuilds a table to alter a column), and the
    triggers come back with ``post_migrate``. PostgreSQL alters in place: nothing to do."""
    connection = schema_editor.connection if schema_editor is not None else connections["default"]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lx_same_town_%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
