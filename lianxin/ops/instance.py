"""One instance, one database, one var directory, one queue.

Two instances on one machine (two towns, or a demo beside a trial) must never share state. Two things in the
var directory used to be shared by whoever pointed ``LIANXIN_VAR_DIR`` at it: huey's queue file, so one
instance's worker ran the other's tasks against the wrong database, and the stored files. So:

- the queue's name (and, with SqliteHuey, its file) carries a short key of the database (``queue_key``), so
  two databases never meet in one queue, on SQLite files or on a shared Redis;
- the first start of a server or worker records in the var directory which database it belongs to
  (``claim_var_dir``); a later start with another database is refused with a message saying what to do.

Imported by the settings module, so nothing here may need Django to be set up.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MARKER = "instance.json"  # in the var directory: which database this directory belongs to


class VarDirTaken(RuntimeError):
    """A start with a database other than the one the var directory was first used with."""


def _sqlite_name(name: str, var_dir: Path | None) -> str:
    """A SQLite file inside the var directory is named relative to it, so that a var directory moved or copied
    whole (database and all) is still the same instance; any other file by its absolute path."""
    path = Path(name).resolve()
    if var_dir is not None:
        try:
            return "var:" + str(path.relative_to(Path(var_dir).resolve()))
        except ValueError:
            pass
    return str(path)


def database_identity(database: Mapping[str, Any], var_dir: Path | None = None) -> str:
    """What names one database: its engine and where it lives (host, port, name), never who connects.

    The application role and the owner role (``DATABASE_URL``, ``DATABASE_OWNER_URL``) reach the same
    database, so the user and password are left out."""
    engine = str(database.get("ENGINE", "")).rsplit(".", 1)[-1]
    name = str(database.get("NAME", ""))
    if engine == "sqlite3":
        return f"sqlite3:{_sqlite_name(name, var_dir)}"
    host = str(database.get("HOST", "") or "")
    port = str(database.get("PORT", "") or "")
    return f"{engine}://{host}:{port}/{name}"


def queue_key(database: Mapping[str, Any]) -> str:
    """Twelve hex digits of the database's identity (absolute paths: two var directories, two queues), for the
    huey queue's name and file."""
    return hashlib.sha256(database_identity(database).encode()).hexdigest()[:12]


def claim_var_dir(var_dir: Path, database: Mapping[str, Any]) -> None:
    """Record which database ``var_dir`` belongs to on its first start; refuse any other database after.

    The record is written to a temporary file and linked into place, which fails if another process got
    there first (the web and the worker start together): then its record is read and compared like any."""
    mine = database_identity(database, var_dir)
    marker = Path(var_dir) / MARKER
    if not marker.exists():
        fd, tmp = tempfile.mkstemp(dir=var_dir, prefix=".instance-")
        try:
            with os.fdopen(fd, "w") as out:
                json.dump({"database": mine}, out)
            os.link(tmp, marker)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    recorded = json.loads(marker.read_text()).get("database")
    if recorded != mine:
        raise VarDirTaken(
            f"连心: the var directory {var_dir} belongs to the database {recorded}, not to {mine}.\n"
            "Two instances must never share a var directory (its queue and stored files would mix). Give this "
            f"instance a directory of its own (LIANXIN_VAR_DIR), or, if this database really replaced that "
            f"one (moved to another server, restored under a new name), delete {marker}."
        )
