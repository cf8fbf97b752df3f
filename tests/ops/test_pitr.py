"""Point-in-time recovery on PostgreSQL, with the settings ``lianxin manage pitr_settings`` prints
(lianxin/ops/pitr.py): a primary of its own (initdb, port 5493) archiving every WAL segment with
``archive_command``, a base backup by ``pg_basebackup``, two writes with a moment between them, then the base
backup restored into a new data directory with ``restore_command`` + ``recovery_target_time`` +
``recovery.signal`` and started (port 5494): the first write is there, the second is not.

It starts and removes two clusters, so it runs only when asked: ``LIANXIN_PITR_TESTS=1 .venv/bin/pytest -n 0 -m
pitr tests/ops/test_pitr.py`` (a step of .ci/run, after the replica tests).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lianxin.ops import pitr
from tests.conftest import HANG
from tests.pgcluster import BIN, Server, _run, initdb

pytestmark = [
    pytest.mark.pitr,
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("LIANXIN_PITR_TESTS") != "1",
        reason="starts two PostgreSQL clusters (5493, 5494): set LIANXIN_PITR_TESTS=1 (.ci/run does)",
    ),
]

PRIMARY_PORT = int(os.environ.get("LIANXIN_PITR_PRIMARY_PORT", "5493"))
RESTORED_PORT = int(os.environ.get("LIANXIN_PITR_RESTORED_PORT", "5494"))


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a") as conf:  # the file stays the server's (appending keeps its owner)
        conf.write("\n" + "\n".join(lines) + "\n")


def _wait(what: str, ready: object, seconds: float = HANG) -> None:
    deadline = time.monotonic() + seconds
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.1)


@pytest.fixture
def root() -> Iterator[Path]:
    root = Path(tempfile.gettempdir()) / "lx-pitr"
    for name in ("restored", "primary"):  # what a killed run left behind
        if (root / name / "postmaster.pid").exists():
            Server(root / name, 0).stop()
    shutil.rmtree(root, ignore_errors=True)
    (root / "archive").mkdir(parents=True)
    if os.geteuid() == 0:
        for path in (root, root / "archive"):
            shutil.chown(path, "postgres", "postgres")
    try:
        yield root
    finally:
        for name in ("restored", "primary"):
            if (root / name).exists():
                Server(root / name, 0).stop()
        shutil.rmtree(root, ignore_errors=True)


def test_recovery_to_a_moment_between_two_writes(root):
    archive = str(root / "archive")
    primary = Server(root / "primary", PRIMARY_PORT)
    initdb(primary.data)
    _append(primary.data / "postgresql.conf", pitr.archive_settings(archive))
    primary.start()
    primary.sql("CREATE TABLE drill (what text NOT NULL)")
    _run(
        BIN / "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(PRIMARY_PORT),
        "-U",
        "postgres",
        "-D",
        root / "base",
        "-X",
        "stream",
        "--checkpoint=fast",
        "--no-sync",
    )

    primary.sql("INSERT INTO drill VALUES ('first')")  # committed before the moment is read
    moment = primary.sql("SELECT clock_timestamp()")  # the server's clock, as the commits' times are
    primary.sql("INSERT INTO drill VALUES ('second')")
    segment = primary.sql("SELECT pg_walfile_name(pg_switch_wal())")  # the one holding the second write
    _wait(f"segment {segment} archived", lambda: (root / "archive" / segment).exists())
    assert primary.sql("SELECT string_agg(what, ',' ORDER BY what) FROM drill") == "first,second"
    primary.stop()

    restored = Server(root / "restored", RESTORED_PORT)
    _run("cp", "-a", root / "base", restored.data)
    _run("touch", restored.data / "recovery.signal")
    _append(restored.data / "postgresql.auto.conf", pitr.recovery_settings(archive, moment))
    restored.start()
    _wait("recovery finished and promoted", lambda: restored.sql("SELECT pg_is_in_recovery()") == "f")
    assert restored.sql("SELECT string_agg(what, ',') FROM drill") == "first"
    assert "recovery stopping before commit" in restored.log.read_text()
