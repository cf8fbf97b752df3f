"""The restore drill (issue 24, part 2): a small town backed up while demands are written, restored by
``lianxin restore`` into a new database and a new file store (a process of its own), then proven: every table's
count equals the manifest's, personal data decrypts, the audit and same-town triggers refuse, a stored file
reads back. And the refusals: a database that is not empty, a missing key (named, nothing written), a value
``check_keys`` cannot open.

Runs on the suite's database, SQLite or PostgreSQL (DATABASE_URL): the restore's new database is a file beside
the test's, or a database made on the same server and dropped after.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from PIL import Image

from lianxin.audit.models import AuditEntry
from lianxin.core.uploads import clean_photo
from lianxin.demands import counters
from lianxin.demands.models import Attachment
from lianxin.ops import backup, keys
from tests.conftest import HANG
from tests.factories import CategoryFactory, DemandFactory, DeputyFactory, TownFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BIN = Path(sys.executable).parent / "lianxin"
PHONE = "13912345678"
REQUESTER_PHONE = "13800138000"


def _url(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def new_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL: made here, dropped
    after)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"lx_restore_{os.getpid()}_{time.monotonic_ns()}"
    server = {**settings_dict, "NAME": "postgres"}
    with psycopg.connect(_url(server).replace("postgres://", "postgresql://"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url({**settings_dict, "NAME": name})
    finally:
        with psycopg.connect(_url(server).replace("postgres://", "postgresql://"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables_in(url: str) -> int:
    """How many tables the database at ``url`` holds, asked without Django (a missing SQLite file: none)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with sqlite3.connect(path) as db:
            return int(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        row = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return int(row[0]) if row else 0


def instance_env(url: str, var: Path, settings: Any, **override: str) -> dict[str, str]:
    """Another Lianxin instance: its own database and var/ (so its own file store), the test's keys."""
    dropped = ("DJANGO_SETTINGS_MODULE", "HUEY_IMMEDIATE", "DATABASE_OWNER_URL", "FIELD_ENCRYPTION_KEYS")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DATABASE_URL=url, LIANXIN_VAR_DIR=str(var), SECRET_KEY=settings.SECRET_KEY, PYTHONUNBUFFERED="1"
    )
    if settings.FIELD_ENCRYPTION_KEYS:
        env["FIELD_ENCRYPTION_KEYS"] = ",".join(settings.FIELD_ENCRYPTION_KEYS)
    env.update(override)
    return env


def run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *argv], env=env, capture_output=True, text=True, timeout=HANG, check=False
    )


def photo() -> Any:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return clean_photo(SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png"))


def small_town() -> dict[str, Any]:
    """Personal data (a deputy's phone, a requester's phone), a stored file, an audit entry, kept counters."""
    town, other = TownFactory(), TownFactory()
    deputy = DeputyFactory(town=town, phone=PHONE)
    demand = DemandFactory(town=town, requester_phone=REQUESTER_PHONE)
    attachment = Attachment.objects.create(
        town=town, demand=demand, kind=Attachment.Kind.SUBMITTED, file=photo(), name="p.png"
    )
    AuditEntry.objects.create(kind="admin", action="drill", town=town)
    counters.recount()  # as a live site keeps them
    return {
        "town": town.pk,
        "deputy": deputy.pk,
        "demand": demand.pk,
        "category": demand.category_id,
        "attachment": attachment.pk,
        "sha256": hashlib.sha256(attachment.file.open("rb").read()).hexdigest(),
        "other_category": CategoryFactory(town=other).pk,
    }


# What the restored instance reports about itself (run there by `lianxin manage shell -c`).
PROBE = """
import hashlib, json
from django.db import DatabaseError, connection, transaction
from lianxin.demands.models import Attachment
from lianxin.people.models import Deputy
from lianxin.ops import backup, keys
ids = json.loads({ids!r})
out = {{"counts": backup.live_counts()}}
out["phone"] = Deputy.objects.get(pk=ids["deputy"]).phone
out["requester_phone"] = Demand.objects.get(pk=ids["demand"]).requester_phone
out["failed"] = sum(r.failed for r in keys.check())
out["sha256"] = hashlib.sha256(Attachment.objects.get(pk=ids["attachment"]).file.open("rb").read()).hexdigest()
for name, sql, args in (  # raw SQL: what the database itself allows, past the models' own checks
    ("audit_update", "UPDATE audit_auditentry SET action = 'rewritten'", []),
    ("cross_town", "UPDATE demands_demand SET category_id = %s WHERE id = %s", [ids["other_category"], ids["demand"]]),
):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, args)
        out[name] = "allowed"
    except DatabaseError as refused:
        out[name] = str(refused)
print("PROBE " + json.dumps(out))
"""


def probe(env: dict[str, str], ids: dict[str, Any]) -> dict[str, Any]:
    done = run(env, "manage", "shell", "-c", PROBE.format(ids=json.dumps(ids)))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("PROBE "))
    return dict(json.loads(line.removeprefix("PROBE ")))


def test_restore_drill(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ids = small_town()
    written: list[int] = []
    stop = threading.Event()

    def writer() -> None:
        """Demands written as the importer writes them (with their counts), until told to stop."""
        try:
            while not stop.is_set():
                with transaction.atomic():
                    demand = DemandFactory(town_id=ids["town"], category_id=ids["category"])
                    counters.add(ids["town"], {demand.status: 1})
                written.append(demand.pk)
        finally:
            connections.close_all()

    def wait_for(n: int) -> None:
        deadline = time.monotonic() + HANG
        while len(written) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(written) >= n, "the writer does not write"

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        wait_for(3)
        before = len(written)
        made = backup.backup(tmp_path / "out")
        wait_for(len(written) + 3)  # and it goes on writing after the backup
    finally:
        stop.set()
        thread.join(60)
    manifest = made.manifest
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (tmp_path / "out").iterdir()] == [made.path.name]  # no temporary file left
    # The counts are of one moment while writes went on: at least what was there before, not what came after.
    in_archive = manifest["counts"]["demands_demand"]
    assert 1 + before <= in_archive < 1 + len(written)
    assert manifest["files"]["count"] == 1
    assert settings.SECRET_KEY not in made.path.read_bytes().decode("latin-1")
    assert manifest["keys"] == keys.fingerprints()

    with new_database(tmp_path) as url:
        env = instance_env(url, tmp_path / "restored-var", settings)
        done = run(env, "restore", str(made.path))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "every table's count equals the manifest's" in done.stdout
        found = probe(env, ids)
    assert found["counts"] == manifest["counts"]
    assert found["phone"] == PHONE and found["requester_phone"] == REQUESTER_PHONE
    assert found["failed"] == 0
    assert found["sha256"] == ids["sha256"]
    assert "append-only" in found["audit_update"]
    assert "crosses towns" in found["cross_town"]


def test_restore_refuses_a_database_that_is_not_empty(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    small_town()
    made = backup.backup(tmp_path / "out")
    counts = backup.live_counts()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(made.path))
    assert backup.live_counts() == counts


def test_restore_with_a_wrong_key_names_it_and_writes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    small_town()
    made = backup.backup(tmp_path / "out")
    var = tmp_path / "restored-var"
    with new_database(tmp_path) as url:
        env = instance_env(url, var, settings, SECRET_KEY="another-secret-key-" + "y" * 40)
        done = run(env, "restore", str(made.path))
        assert done.returncode != 0
        assert "SECRET_KEY (fingerprint " + made.manifest["keys"]["SECRET_KEY"] in done.stderr
        assert "the field key derived from SECRET_KEY" in done.stderr
        assert "nothing written" in done.stderr
        assert tables_in(url) == 0
    assert not any(p.is_file() for p in (var / "media").rglob("*"))


def test_check_keys_fails_on_a_value_encrypted_with_another_key(settings, capsys):
    deputy = DeputyFactory(phone=PHONE)
    call_command("check_keys")
    assert "people_deputy.phone: 1 rows, 1 decrypted, 0 failed" in capsys.readouterr().out
    stranger = Fernet(Fernet.generate_key()).encrypt(PHONE.encode()).decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_deputy SET phone = %s WHERE id = %s", [stranger, deputy.pk])
    with pytest.raises(CommandError, match="1 values do not decrypt"):
        call_command("check_keys")
    out = capsys.readouterr().out
    assert "people_deputy.phone: 1 rows, 0 decrypted, 1 failed" in out
    assert PHONE not in out and stranger not in out


def test_the_manifest_names_keys_only_by_fingerprint(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    made = backup.backup(tmp_path / "out")
    with tarfile.open(made.path) as tar:
        text = tar.extractfile("manifest.json").read().decode()  # type: ignore[union-attr]
    for secret in [settings.SECRET_KEY, *settings.FIELD_ENCRYPTION_KEYS]:
        assert secret not in text
    assert json.loads(text)["keys"]["FIELD_ENCRYPTION_KEYS"] == [
        keys.fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS
    ]
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the second one lost
    lost = made.manifest["keys"]["FIELD_ENCRYPTION_KEYS"][1]
    assert keys.missing(made.manifest["keys"]) == [f"FIELD_ENCRYPTION_KEYS entry 2 (fingerprint {lost})"]


def test_restore_refuses_an_archive_of_a_newer_release(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    made = backup.backup(tmp_path / "out")
    backup.check_restorable(made.manifest, force=True)  # this release's own archive passes
    newer = {
        **made.manifest,
        "migrations": {**made.manifest["migrations"], "demands": ["9999_from_the_future"]},
    }
    with pytest.raises(backup.Refused, match=r"newer release.*demands\.9999_from_the_future"):
        backup.check_restorable(newer, force=True)
