"""Shared fixtures: personas for each role, an outsider from another town, and the browser."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction

from lianxin.accounts.roles import Role

from .factories import TownFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def env(tmp_path):
    """The environment for a ``lianxin`` process with a private var/ and SQLite database, so that these runs
    never touch the developer's demo."""
    e = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "HUEY_IMMEDIATE", "DEBUG")
    }
    e.update(
        LIANXIN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    return e


@pytest.fixture
def town(db):
    return TownFactory()


@pytest.fixture
def other_town(db):
    return TownFactory()


@pytest.fixture
def persona(db, town):
    """persona(role) makes a signed-in-able user of that role in ``town``."""

    def make(role: str, **kwargs):
        if role == Role.COUNTY_VIEWER:
            kwargs.setdefault("county", town.county)
            kwargs.setdefault("town", None)
        elif role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            kwargs.setdefault("town", None)
        else:
            kwargs.setdefault("town", town)
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def outsider(db, other_town):
    """Presidium staff of another town: must see nothing of ``town``."""
    return UserFactory(role=Role.PRESIDIUM, town=other_town)


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """The generated demo county, built once per module and rolled back at its end."""
    from lianxin.demo.generator import generate

    with django_db_blocker.unblock(), transaction.atomic():
        stats = generate()
        yield stats
        transaction.set_rollback(True)


@pytest.fixture
def demo_user(demo_town, db):
    from lianxin.accounts.models import User

    return lambda username: User.objects.get(username=username)


# --- browser ---------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    }


@pytest.fixture
def artifacts_dir():
    path = os.path.join(os.path.dirname(__file__), "..", "artifacts")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def loop(db):
    """A town wired for the closed loop (see tests/loop.py)."""
    from .loop import Loop

    return Loop.build()
