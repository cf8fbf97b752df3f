"""Settings for the test suite: the real database from DATABASE_URL, huey run inline."""

import os

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    # A file, as in production (WAL, IMMEDIATE, busy timeout), not Django's shared-cache memory database,
    # whose table locks fail at once instead of waiting. One file per process: runs may overlap.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"lianxin-test-{os.getpid()}.sqlite3")
    }
