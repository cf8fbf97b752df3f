"""Settings for the test suite: the real database from DATABASE_URL, huey run inline, and a private var/.

Tests never write into the project's ``var/`` (the developer's demo): each test process gets its own
temporary directory for media, the SMS log, huey's file, collected static files and the SQLite test
database, removed when the process ends. SECRET_KEY is fixed, so no key file is made or read.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault(
    "OTP_REQUIRED", "0"
)  # tests of the second factor switch it on (tests/accounts/test_sessions.py)

# Through the environment, which base reads at import, and which the processes tests start inherit: they
# too stay out of the project's var/ (tests/test_commands.py gives its processes their own, without a key).
_TEST_VAR_DIR = tempfile.mkdtemp(prefix=f"lianxin-test-var-{os.getpid()}-")
atexit.register(shutil.rmtree, _TEST_VAR_DIR, ignore_errors=True)


def _sweep_leftovers() -> None:
    """Remove the directories of test processes that ended without running atexit (killed; mypy exits fast)."""
    for path in Path(tempfile.gettempdir()).glob("lianxin-test-var-*-*"):
        pid = path.name.split("-")[3]
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, OSError):
            pass  # not ours, or a live process of another user


_sweep_leftovers()
os.environ["LIANXIN_VAR_DIR"] = _TEST_VAR_DIR
os.environ["SECRET_KEY"] = "lianxin-tests-only-not-a-secret-" + "x" * 32

from .base import *  # noqa: E402, F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
ALLOW_DERIVED_KEYS = True  # the schema and fuzz tests load config.wsgi; their keys need not be explicit
INTAKE_WARM_AT_START = (
    False  # no thread reading the database behind the tests' backs (tests/intake/test_warm.py turns it on)
)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production (WAL, IMMEDIATE, busy timeout), not Django's shared-cache memory database,
    # whose table locks fail at once instead of waiting. One file per process (so per xdist worker, and
    # runs may overlap): it lives in this process's private directory. pytest-django adds _gw0, _gw1….
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_TEST_VAR_DIR, "test.sqlite3")}  # noqa: F405
