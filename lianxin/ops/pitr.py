"""Point-in-time recovery on PostgreSQL: the settings that archive every WAL segment, and those that replay them
up to a chosen moment. One source for what ``lianxin manage pitr_settings`` prints and what the PITR test
(tests/ops/test_pitr.py) runs, so the documented lines are the proven ones.

PostgreSQL's own continuous archiving needs no package: ``archive_command`` copies each finished segment into
a directory (mount another disk or machine there), ``pg_basebackup`` takes the base, and a recovery replays
the segments from it with ``restore_command`` until ``recovery_target_time``.
"""

from __future__ import annotations

import re

# At most this long between a write and its segment reaching the archive, on a quiet server: the RPO.
ARCHIVE_TIMEOUT_SECONDS = 300
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_./-]+$")


def _checked(archive_dir: str) -> str:
    """The archive directory goes into a shell command inside a quoted setting: plain absolute paths only."""
    if not _SAFE_PATH.match(archive_dir):
        raise ValueError(f"an absolute path of letters, digits, '_', '.', '-' and '/' only: {archive_dir!r}")
    return archive_dir.rstrip("/")


def archive_settings(archive_dir: str) -> list[str]:
    """postgresql.conf lines of the primary: every finished WAL segment copied into ``archive_dir`` (never over
    a file already there, so two servers cannot overwrite each other's history)."""
    d = _checked(archive_dir)
    return [
        "wal_level = replica",
        "archive_mode = on",
        f"archive_command = 'test ! -f {d}/%f && cp %p {d}/%f'",
        f"archive_timeout = {ARCHIVE_TIMEOUT_SECONDS}",
    ]


def recovery_settings(archive_dir: str, target_time: str) -> list[str]:
    """postgresql.auto.conf lines of a data directory restored from a base backup (with ``recovery.signal``):
    replay the archive up to ``target_time`` (a timestamp with its time zone), then open for writes. Its own
    archiving stays off until someone has checked the recovered data."""
    d = _checked(archive_dir)
    if "'" in target_time:
        raise ValueError("a timestamp, e.g. 2026-12-07 09:30:00+08")
    return [
        f"restore_command = 'cp {d}/%f %p'",
        f"recovery_target_time = '{target_time}'",
        "recovery_target_action = 'promote'",
        "archive_mode = off",
    ]
