"""Settings for the test suite: the real database from DATABASE_URL, huey run inline."""

import os

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
