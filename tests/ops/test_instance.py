"""Two instances on one machine never share state: one queue per database, one database per var directory."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lianxin.ops.instance import MARKER, VarDirTaken, claim_var_dir, database_identity, queue_key

from ..conftest import HANG, private_env

BIN = Path(sys.executable).parent / "lianxin"


def sqlite(path: Path) -> dict[str, str]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def postgres(name: str, host: str = "127.0.0.1", user: str = "lianxin_app") -> dict[str, str]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "HOST": host,
        "PORT": "5432",
        "USER": user,
    }


def test_the_queue_key_follows_the_database_not_the_role():
    assert queue_key(postgres("town_a")) != queue_key(postgres("town_b"))
    assert queue_key(postgres("town_a")) != queue_key(postgres("town_a", host="10.0.0.5"))
    assert queue_key(postgres("town_a", user="lianxin_app")) == queue_key(
        postgres("town_a", user="lianxin_owner")
    ), "the owner (migrations) and the application role reach one database: one queue"
    assert queue_key(sqlite(Path("/srv/a/db.sqlite3"))) != queue_key(sqlite(Path("/srv/b/db.sqlite3")))


def test_the_var_dir_is_claimed_by_its_first_database_and_refuses_another(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    claim_var_dir(var, postgres("town_a"))
    claim_var_dir(var, postgres("town_a", user="lianxin_owner"))  # the same database: accepted again
    with pytest.raises(
        VarDirTaken, match=re.escape("belongs to the database postgresql://127.0.0.1:5432/town_a")
    ):
        claim_var_dir(var, postgres("town_b"))
    assert json.loads((var / MARKER).read_text()) == {"database": "postgresql://127.0.0.1:5432/town_a"}


def test_a_var_dir_moved_whole_with_its_sqlite_database_is_still_its_own(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    claim_var_dir(first, sqlite(first / "lianxin.sqlite3"))
    moved = tmp_path / "moved"
    shutil.copytree(first, moved)
    claim_var_dir(moved, sqlite(moved / "lianxin.sqlite3"))
    with pytest.raises(VarDirTaken):
        claim_var_dir(moved, sqlite(tmp_path / "elsewhere.sqlite3"))
    assert database_identity(sqlite(moved / "lianxin.sqlite3"), moved) == "sqlite3:var:lianxin.sqlite3"


QUEUE_A_PING = "from lianxin.core.tasks import ping; ping()"
PENDING = "from huey.contrib.djhuey import HUEY; print(HUEY.name, HUEY.pending_count())"


def shell(environ: dict[str, str], code: str) -> str:
    out = subprocess.run(
        [BIN, "manage", "shell", "-c", code], env=environ, capture_output=True, text=True, timeout=HANG
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_two_databases_on_one_var_dir_have_two_queues(tmp_path, backend):
    """Real SqliteHuey files (and a real Redis): a task queued by one instance is not seen by the other's
    worker. Before, both queued into var/huey.sqlite3 under the name "lianxin"."""
    base = private_env(tmp_path) | {"HUEY_BACKEND": backend}
    redis = (
        subprocess.run(["redis-cli", "ping"], capture_output=True, text=True) if backend == "redis" else None
    )
    if redis is not None and redis.stdout.strip() != "PONG":
        pytest.skip("no Redis on 127.0.0.1:6379")
    one = base | {"DATABASE_URL": f"sqlite:///{tmp_path}/one.sqlite3"}
    two = base | {"DATABASE_URL": f"sqlite:///{tmp_path}/two.sqlite3"}
    try:
        shell(one, QUEUE_A_PING)
        name_one, pending_one = shell(one, PENDING).split()
        name_two, pending_two = shell(two, PENDING).split()
        assert (pending_one, pending_two) == ("1", "0"), (
            "the second instance's worker would run the first's task"
        )
        assert name_one != name_two
    finally:
        for environ in (one, two):
            shell(environ, "from huey.contrib.djhuey import HUEY; HUEY.flush(); print()")
    if backend == "sqlite":
        assert len(list(tmp_path.glob("huey-*.sqlite3"))) == 2, "one queue file per database"


@pytest.mark.slow
def test_a_second_database_on_a_var_dir_is_refused_at_start(tmp_path):
    """``lianxin worker`` on a var directory first used by another database stops with a message. The first
    start claims the directory before it looks at the database (an empty one here, so it then stops for
    ``lianxin migrate``); the second, on another database, is refused for the claim itself."""
    from cryptography.fernet import Fernet

    keys = {
        "SECRET_KEY": "instance-test-" + "k" * 40,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    environ = private_env(tmp_path) | keys

    def worker(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([BIN, "worker"], env=env, capture_output=True, text=True, timeout=HANG)

    first = worker(environ)
    assert (tmp_path / MARKER).exists(), "the first start recorded its database"
    assert "belongs to" not in first.stderr and "Run `lianxin migrate`" in first.stderr, first.stderr
    other = environ | {"DATABASE_URL": f"sqlite:///{tmp_path}/another.sqlite3"}
    refused = worker(other)
    assert refused.returncode == 2
    assert "belongs to the database sqlite3:var:db.sqlite3" in refused.stderr, refused.stderr
    again = worker(environ)  # its own database is welcome again (and still asks for its migrations)
    assert "belongs to" not in again.stderr and "Run `lianxin migrate`" in again.stderr, again.stderr
