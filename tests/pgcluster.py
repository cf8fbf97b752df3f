"""A throw-away PostgreSQL primary and its streaming replica, for the replica tests (tests/core/test_replica.py).

``initdb`` a primary with ``wal_level=replica``, ``pg_basebackup -R`` its files into the replica's directory, start
both and wait until the replica streams. The server binaries refuse to run as root: as root they run as the
``postgres`` user (``runuser``), and the directories under /tmp belong to it. Clients (psql, Django) connect over
TCP with trust authentication, as initdb's ``--auth=trust`` allows on the loopback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import HANG

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HOST = "127.0.0.1"
# Only what a test needs: no durability (the clusters are thrown away), small, quick to check-point.
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on "
    "-c fsync=off -c full_page_writes=off -c shared_buffers=32MB "
    "-c max_connections=40"
)


def _as_postgres(*argv: str | Path) -> list[str]:
    command = [str(a) for a in argv]
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(*argv: str | Path) -> str:
    done = subprocess.run(_as_postgres(*argv), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} failed ({done.returncode}): {done.stderr or done.stdout}"
        )
    return done.stdout


def initdb(data: Path) -> None:
    """A new cluster in ``data`` (its parent must belong to the server's user)."""
    _run(
        BIN / "initdb",
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )


@dataclass
class Server:
    data: Path
    port: int
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data.with_suffix(".log")

    def start(self) -> None:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, self.port)) == 0:
                raise RuntimeError(
                    f"port {self.port} is taken: another server runs there (a left-over cluster?)"
                )
        options = f"-p {self.port} -c unix_socket_directories={self.data} {SERVER_OPTIONS}"
        _run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run(BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def sql(self, query: str, database: str = "postgres") -> str:
        """One statement through psql; the result's rows, unaligned."""
        done = subprocess.run(
            [
                BIN / "psql",
                "-h",
                HOST,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-XAtqc",
                query,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{query!r} on port {self.port}: {done.stderr}")
        return done.stdout.strip()

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"


@dataclass
class ReplicatedCluster:
    root: Path
    primary_port: int
    replica_port: int
    primary: Server = field(init=False)
    replica: Server = field(init=False)

    def __post_init__(self) -> None:
        self.primary = Server(self.root / "primary", self.primary_port)
        self.replica = Server(self.root / "replica", self.replica_port)

    def start(self) -> None:
        self.stop()  # what a killed run left behind
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        initdb(self.primary.data)
        self.primary.start()
        _run(
            BIN / "pg_basebackup",
            "-h",
            HOST,
            "-p",
            str(self.primary.port),
            "-U",
            "postgres",
            "-D",
            self.replica.data,
            "-R",  # standby.signal and primary_conninfo: start as a streaming standby
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        self.replica.start()
        self.wait_streaming()

    def wait_streaming(self, seconds: float = HANG) -> None:
        deadline = time.monotonic() + seconds
        query = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
        while self.primary.sql(query) != "1":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica does not stream; see {self.replica.log}")
            time.sleep(0.1)

    def wait_replayed(self, seconds: float = HANG) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.primary.sql("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + seconds
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while self.replica.sql(query) != "t":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the replica did not replay up to {target}")
            time.sleep(0.05)

    def stop(self) -> None:
        for server in (self.replica, self.primary):
            if server.data.exists():
                server.stop()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
