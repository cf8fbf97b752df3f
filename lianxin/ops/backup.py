"""One archive of a town's Lianxin (database, stored files, manifest) taken while it serves, and its restore.

The archive is a gzip-compressed tar, ``lianxin-backup-<UTC time>.tar.gz``, mode 0600, holding:

* ``database.dump`` (PostgreSQL: ``pg_dump --format=custom`` inside an exported snapshot) or
  ``database.sqlite3`` (SQLite: the online backup API, a consistent copy while writers go on);
* ``media/…``: every stored file (attachments, job files…) under ``MEDIA_ROOT``;
* ``manifest.json``: versions, database vendor, applied migrations, rows per table *of the same moment as the
  dump*, key fingerprints (``lianxin/ops/keys.py``; never a key), when and how long.

The keys are not in it, on purpose: keep them apart (docs/operations.md, "Keys").
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connections, transaction

from . import keys

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
Say = Callable[[str], None]


class Refused(Exception):
    """The restore will not run; the message says why (and nothing was written)."""


def _quiet(_: str) -> None:
    pass


# --- the connection ---------------------------------------------------------------------------------------


def use_owner_connection(using: str = "default") -> bool:
    """Connect as the tables' owner when ``DATABASE_OWNER_URL`` is set (the application role owns nothing,
    so it can neither dump every table nor create them). Same database engine; returns whether it switched."""
    url = os.environ.get("DATABASE_OWNER_URL", "")
    if not url:
        return False
    import environ

    owner = environ.Env.db_url_config(url)
    connection = connections[using]
    connection.close()
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = owner.get(key, "")
    return True


def _libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """pg_dump's and pg_restore's connection, through libpq's variables (no password on a command line)."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _table_counts(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - names from introspection
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def live_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of the database now."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return _table_counts(cursor, _tables(connection, cursor), connection.ops.quote_name)


def _tables(connection: Any, cursor: Any) -> list[str]:
    """The tables a backup counts: SQLite's own (sqlite_sequence, sqlite_stat1) are not the product's."""
    return [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]


# --- backup -----------------------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)


def _dump_postgres(using: str, target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """1. open a REPEATABLE READ transaction and export its snapshot  2. count every table and read the
    migrations in it  3. ``pg_dump --snapshot`` that very snapshot, while the transaction stays open: the
    counts and the dump describe one moment, whatever is written meanwhile."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor, _tables(connection, cursor), connection.ops.quote_name)
        applied = _migrations(cursor)
        done = subprocess.run(  # noqa: S603 - fixed program, arguments ours
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--compress=0",  # the archive compresses once, as a whole
                f"--snapshot={snapshot}",
                "--no-password",
                "--file",
                str(target),
            ],
            env=_libpq_env(connection.settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()}")
    return counts, applied


def _copy_sqlite(using: str, target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """SQLite's online backup API in one step (a read transaction: writers in WAL mode go on), then the counts
    and migrations read from the copy, so they describe exactly what was copied."""
    source = sqlite3.connect(str(connections[using].settings_dict["NAME"]))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        counts = _table_counts(cursor, tables, connections[using].ops.quote_name)
        applied = _migrations(cursor)
    finally:
        copy.close()
        source.close()
    return counts, applied


def _add_media(archive: tarfile.TarFile, root: Path) -> tuple[int, int]:
    """Every stored file, walked in order; a file removed while the walk goes on is skipped, not an error."""
    files = size = 0
    if not root.is_dir():
        return files, size
    for path in sorted(p for p in root.rglob("*") if not p.is_dir()):
        try:
            info = archive.gettarinfo(str(path), arcname=MEDIA + path.relative_to(root).as_posix())
            with path.open("rb") as handle:
                archive.addfile(info, handle)
        except FileNotFoundError:
            continue
        files += 1
        size += info.size
    return files, size


def _product_version() -> str:
    try:
        return metadata.version("lianxin")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup(out: Path | None = None, *, using: str = "default", say: Say = _quiet) -> Backup:
    """1. dump the database (counts of the same moment)  2. add the stored files  3. write the manifest
    4. rename the finished archive into place (a reader never sees half an archive). Returns its path."""
    started, clock = dt.datetime.now(dt.UTC), time.monotonic()
    out = Path(out or settings.BACKUP_DIR)
    out.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    final = out / f"lianxin-backup-{started:%Y%m%d-%H%M%S}Z.tar.gz"
    partial = out / f".{final.name}.{os.getpid()}.part"
    with tempfile.TemporaryDirectory(dir=out, prefix=".lianxin-backup-") as scratch:
        say(f"database ({vendor})…")
        if vendor == "postgresql":
            member = POSTGRES_MEMBER
            counts, applied = _dump_postgres(using, Path(scratch) / member)
        elif vendor == "sqlite":
            member = SQLITE_MEMBER
            counts, applied = _copy_sqlite(using, Path(scratch) / member)
        else:
            raise RuntimeError(f"no backup for the {vendor} database")
        say(f"  {len(counts)} tables, {sum(counts.values())} rows")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                tar.add(Path(scratch) / member, arcname=member)
                say("stored files…")
                files, size = _add_media(tar, Path(settings.MEDIA_ROOT))
                say(f"  {files} files, {size} bytes")
                manifest = {
                    "format": FORMAT,
                    "product": "lianxin",
                    "version": _product_version(),
                    "django": django.get_version(),
                    "vendor": vendor,
                    "database": member,
                    "migrations": applied,
                    "counts": counts,
                    "files": {"count": files, "bytes": size},
                    "keys": keys.fingerprints(),
                    "started_at": started.isoformat(),
                    "seconds": round(time.monotonic() - clock, 3),
                }
                body = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(body))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Backup(final, manifest)


# --- restore ----------------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        try:
            member = tar.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise Refused(f"{archive} holds no {MANIFEST}: not a Lianxin backup")
        manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT or manifest.get("product") != "lianxin":
        raise Refused(f"{archive}: an archive format this version does not read ({manifest.get('format')})")
    return manifest


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> bool:
    return root.is_dir() and any(p.is_file() for p in root.rglob("*"))


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the archive's database had that this code does not have (its tables would not match)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]


def check_restorable(manifest: dict[str, Any], *, using: str = "default", force: bool = False) -> None:
    """Everything that must hold before a byte is written: the same kind of database, every key the backup
    needs, no migration this release does not know, an empty database and an empty file store (or ``force``). Raises ``Refused`` naming what is wrong."""
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise Refused(f"the archive is of a {manifest['vendor']} database; this one is {connection.vendor}")
    if gone := keys.missing(manifest.get("keys", {})):
        raise Refused(
            "the configured keys do not match the backup's; missing: "
            + "; ".join(gone)
            + ". Set the keys the backup was made with (SECRET_KEY, FIELD_ENCRYPTION_KEYS) and run again."
        )
    if unknown := _unknown_migrations(manifest):
        raise Refused(
            f"the archive is from a newer release: {len(unknown)} of its migrations are unknown to this one "
            f"(e.g. {unknown[0]}); install release {manifest.get('version')} or newer, then restore"
        )
    if force:
        return
    if tables := connection.introspection.table_names():
        raise Refused(
            f"the database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): restore into "
            "a new, empty database, or pass --force to replace what it holds"
        )
    if _media_files(_media_root()):
        raise Refused(
            f"the file store {_media_root()} is not empty: restore into an empty one, or pass --force "
            "to write the archive's files over it"
        )


def _restore_sqlite(using: str, tar: tarfile.TarFile) -> None:
    """Write the copy beside the database file, then rename it over (never half a database file)."""
    connection = connections[using]
    connection.close()
    path = Path(connection.settings_dict["NAME"])
    path.parent.mkdir(parents=True, exist_ok=True)
    member = tar.extractfile(SQLITE_MEMBER)
    if member is None:
        raise Refused(f"the archive holds no {SQLITE_MEMBER}")
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        shutil.copyfileobj(member, handle)
        handle.flush()
        os.fsync(handle.fileno())
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # another database's journal must not replay
        stale.unlink(missing_ok=True)
    os.replace(handle.name, path)


def _restore_postgres(using: str, tar: tarfile.TarFile, *, force: bool) -> None:
    """pg_restore the dump as the connection's role (owner and grants of the old server left out: the roles
    may differ here; ``after_restore`` gives the grants)."""
    connection = connections[using]
    connection.close()
    with tempfile.TemporaryDirectory(prefix="lianxin-restore-") as scratch:
        tar.extract(POSTGRES_MEMBER, scratch, filter="data")
        command = [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-acl", "--exit-on-error"]
        command += ["--single-transaction", "--no-password"]
        if force:
            command += ["--clean", "--if-exists"]
        command += ["--dbname", str(connection.settings_dict["NAME"]), str(Path(scratch) / POSTGRES_MEMBER)]
        done = subprocess.run(  # noqa: S603 - fixed program, arguments ours
            command, env=_libpq_env(connection.settings_dict), capture_output=True, text=True, check=False
        )
    if done.returncode:
        raise RuntimeError(f"pg_restore failed ({done.returncode}): {done.stderr.strip()}")


def _restore_media(tar: tarfile.TarFile) -> int:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    files = 0
    for member in tar.getmembers():
        if not member.name.startswith(MEDIA) or not member.isfile():
            continue
        member.name = member.name[len(MEDIA) :]
        tar.extract(member, root, filter="data")  # the data filter refuses ../ and absolute names
        files += 1
    return files


def after_restore(using: str = "default", say: Say = _quiet) -> None:
    """What a restored database needs before it serves, each step safe to repeat. Add steps here (the roles'
    grants, for one): ``lianxin restore`` runs them all, after the data and before the counts are checked.

    1. the audit trail's append-only triggers, with the retention in force here
    2. the same-town triggers of every registered reference
    3. the kept counters (demands per town and status), rebuilt for any town whose kept counts differ
       from the demands themselves (none, after a consistent backup)
    4. PostgreSQL: the application role's rows (``ops.database.grant_app_role``): pg_restore leaves owners and
       grants out, so the restoring owner owns everything and the role the web connects as has nothing yet"""
    from lianxin.audit import triggers
    from lianxin.core import integrity
    from lianxin.core.models import Town
    from lianxin.demands import counters

    triggers.install(using=using)
    say("audit triggers installed")
    integrity.install_same_town_triggers(using=using)
    say(f"same-town triggers installed ({len(integrity.registered())})")
    towns = list(Town.objects.using(using).values_list("pk", flat=True))
    stale = [pk for pk in towns if counters.counts([pk]) != counters.live([pk])]
    if stale:
        counters.recount(stale)
    say(f"demand counters: {len(towns)} towns checked, {len(stale)} recounted")
    from django.conf import settings
    from django.db import connections

    from .database import current_role, grant_app_role

    connection = connections[using]
    role = str(getattr(settings, "DATABASE_APP_ROLE", "") or "")
    if connection.vendor == "postgresql" and role and role != current_role(connection):
        grant_app_role(role, using=using)
        say(f"granted {role!r} its rows")


@dataclass
class Restored:
    manifest: dict[str, Any]
    files: int
    differences: dict[str, tuple[int | None, int | None]]  # table → (in the manifest, restored)


def restore(archive: Path, *, using: str = "default", force: bool = False, say: Say = _quiet) -> Restored:
    """1. read the manifest and refuse (writing nothing) on the wrong database kind, a missing key, a database
    or file store that is not empty  2. the database  3. the stored files  4. ``after_restore``  5. count
    every table against the manifest. The differences are returned (empty: a faithful restore)."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    check_restorable(manifest, using=using, force=force)
    say(f"archive of {manifest['started_at']}, version {manifest['version']}, {manifest['vendor']}")
    with tarfile.open(archive, "r:gz") as tar:
        say("database…")
        if manifest["vendor"] == "sqlite":
            _restore_sqlite(using, tar)
        else:
            _restore_postgres(using, tar, force=force)
        say("stored files…")
        files = _restore_media(tar)
        say(f"  {files} files")
    after_restore(using, say)
    counts = live_counts(using)
    expected: dict[str, int] = manifest["counts"]
    differences = {
        table: (expected.get(table), counts.get(table))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table) != counts.get(table)
    }
    say(f"counts: {len(expected)} tables, {sum(expected.values())} rows expected, {len(differences)} differ")
    return Restored(manifest, files, differences)
