"""The upgrade rule (issue 24, part 7): the migrations added since the last release run while it still serves.

Bad migrations are planted in a package of their own, put in place of the ops app's migrations for the test
(MIGRATION_MODULES), and read by the same check CI runs (`lianxin manage check_migrations`)."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lianxin.ops import migration_rule

INITIAL = """
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Planted",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=20)),
                ("note", models.TextField(null=True)),
            ],
        ),
    ]
"""
CHANGE = """
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]
    operations = [{operation}]
"""
BAD = {
    "remove-field": ('migrations.RemoveField("planted", "note")', "DROP_COLUMN"),
    "rename-field": ('migrations.RenameField("planted", "note", "remark")', "RENAME_COLUMN"),
    "delete-model": ('migrations.DeleteModel("planted")', "DROP_TABLE"),
    "rename-model": ('migrations.RenameModel("Planted", "Sown")', "RENAME_TABLE"),
    "rename-table": ('migrations.AlterModelTable("planted", "ops_sown")', "RENAME_TABLE"),
    "alter-to-not-null": (
        'migrations.AlterField("planted", "note", models.TextField(default=""))',
        "NOT_NULL",
    ),
    "add-not-null": ('migrations.AddField("planted", "size", models.IntegerField(default=0))', "NOT_NULL"),
}
GOOD = {
    "add-nullable": 'migrations.AddField("planted", "size", models.IntegerField(null=True))',
    "add-with-database-default": 'migrations.AddField("planted", "size", models.IntegerField(db_default=0))',
    "new-model": 'migrations.CreateModel("Seed", fields=[("id", models.BigAutoField(primary_key=True))])',
}


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the rule reads PostgreSQL's SQL (it runs in the PostgreSQL pass)")


@pytest.fixture
def plant(tmp_path, settings, monkeypatch):
    """plant(operation) → the paths of a released list (everything but the planted change) and an allow list."""

    def make(operation: str) -> tuple[Path, Path]:
        package = f"planted_{uuid.uuid4().hex[:10]}"
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "0001_initial.py").write_text(textwrap.dedent(INITIAL))
        (tmp_path / package / "0002_change.py").write_text(
            textwrap.dedent(CHANGE.format(operation=operation))
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        settings.MIGRATION_MODULES = {"ops": package}
        released = tmp_path / "released.txt"
        released.write_text("\n".join(n for n in migration_rule.disk_migrations() if n != "ops.0002_change"))
        allowed = tmp_path / "allowed.txt"
        allowed.write_text("# none\n")
        return released, allowed

    yield make
    for name in [m for m in sys.modules if m.startswith("planted_")]:
        del sys.modules[name]


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("operation", "code"), BAD.values(), ids=BAD.keys())
def test_a_migration_the_old_release_cannot_survive_is_refused(postgres, plant, operation, code):
    released, allowed = plant(operation)
    new, breaches = migration_rule.check(released_path=released, allowed_path=allowed)
    assert new == ["ops.0002_change"]
    assert [b.migration for b in breaches] == ["ops.0002_change"], breaches
    assert breaches[0].problem.startswith(code), breaches


@pytest.mark.parametrize("operation", GOOD.values(), ids=GOOD.keys())
def test_an_additive_migration_passes(postgres, plant, operation):
    released, allowed = plant(operation)
    assert migration_rule.check(released_path=released, allowed_path=allowed) == (["ops.0002_change"], [])


def test_the_second_step_of_a_two_step_change_is_allowed_only_with_a_reason(postgres, plant):
    released, allowed = plant(BAD["remove-field"][0])
    allowed.write_text("ops.0002_change: release N-1 stopped reading note\n")
    assert migration_rule.check(released_path=released, allowed_path=allowed)[1] == []
    allowed.write_text("ops.0002_change\n")
    breaches = migration_rule.check(released_path=released, allowed_path=allowed)[1]
    assert any("without a reason" in b.problem for b in breaches), breaches


def test_a_released_migration_may_not_disappear(postgres, plant):
    released, allowed = plant(GOOD["add-nullable"])
    released.write_text(released.read_text() + "\nops.0003_squashed_away\n")
    breaches = migration_rule.check(released_path=released, allowed_path=allowed)[1]
    assert [str(b) for b in breaches] == [
        "ops.0003_squashed_away: released, and gone from disk (databases of the last release have it applied)"
    ]


def test_the_repository_keeps_the_rule(postgres):
    """What CI checks: this checkout's migrations against the committed list of the last release."""
    call_command("check_migrations")


def test_release_migrations_records_every_migration(postgres, tmp_path):
    path = tmp_path / "released.txt"
    assert migration_rule.write_released(path) == len(migration_rule.disk_migrations())
    assert set(migration_rule.read_list(path)) == set(migration_rule.disk_migrations())


def test_on_sqlite_the_check_says_it_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's message")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("check_migrations")
