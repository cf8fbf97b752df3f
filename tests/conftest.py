"""Shared fixtures: personas for each role, an outsider from another town, and the browser."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from lianxin.accounts.roles import Role

from .factories import TownFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# The reliability proof (tests/proof) is `./dev proof`'s, not `./dev test`'s: collected only when asked for.
collect_ignore = [] if os.environ.get("LIANXIN_PROOF") else ["proof"]

# How long a test waits for a process, a server or a browser before calling it hung. It stops a hang; it is
# never a speed limit: a first demo build took 196 s on a 2-core machine at a load of 2-7, so a limit of 300 s
# failed a test on a busy machine for nothing. Speed is measured in bench/, never here.
HANG = 900.0
# Playwright waits 5 s for a condition by default, which a page rendered on a loaded machine can exceed.
BROWSER_WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def private_env(var: Any) -> dict[str, str]:
    """The environment for a ``lianxin`` process with a private var/ and SQLite database, so that these runs
    never touch the developer's demo (nor inherit the test run's settings or secret key)."""
    dropped = ("DJANGO_SETTINGS_MODULE", "HUEY_IMMEDIATE", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS")
    dropped += ("LIANXIN_ALLOW_DERIVED_KEYS", "DATABASE_OWNER_URL", "DATABASE_APP_ROLE", "LIANXIN_AS_OWNER")
    e = {k: v for k, v in os.environ.items() if k not in dropped}
    e.update(LIANXIN_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var}/db.sqlite3", PYTHONUNBUFFERED="1")
    return e


_MIGRATED: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on SQLite a copy of it taken before any test ran: what
    ``lianxin manage migrate`` makes of an empty database (every migration, data migrations' rows, the cache
    table), for tests that start a process on a database of their own (``migrated_sqlite``)."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections["default"]
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock():
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return django_db_setup  # no test of this run needed the database: pytest-django made none
            name = str(connection.settings_dict["NAME"])
            copy = os.path.join(os.path.dirname(name), "migrated-" + os.path.basename(name))
            if os.path.exists(copy):
                os.remove(copy)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [copy])
            _MIGRATED["sqlite"] = copy
    return django_db_setup


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup) -> str | None:
    """The path of a freshly migrated SQLite database to copy, or None on a PostgreSQL run (the caller then
    migrates its own: half a minute a time on this machine)."""
    return _MIGRATED.get("sqlite")


@pytest.fixture
def env(tmp_path):
    return private_env(tmp_path)


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


class _DemoTown:
    """The generated demo county, built once and shared by the tests that use it.

    It is built inside a transaction that is never committed, and each test runs in its own savepoint
    within it (the ``db`` fixture), so a test's writes are undone after it as usual. The collection order
    puts the tests that use it side by side (and with xdist on one worker: group ``demo_town``), so it is
    built once per run; it is rolled back as soon as the next test does not use it, so no other test sees
    it and transactional tests (browser, races) never run inside it.
    """

    def __init__(self) -> None:
        self.atomic: Any = None
        self.stats: Any = None
        self.blocker: Any = None

    def enter(self, blocker: Any) -> Any:
        if self.atomic is None:
            self.blocker = blocker
            from lianxin.demo.generator import generate

            with blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                try:
                    self.stats = generate()
                except BaseException:
                    atomic.__exit__(*sys.exc_info())  # rolled back: the next test that needs it tries again
                    raise
                self.atomic = atomic
        return self.stats

    def leave(self) -> None:
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.stats = None


_DEMO = _DemoTown()


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """The generated demo county (see ``_DemoTown``). Module-scoped so that it is entered before the
    test's own transaction (``db``), which then nests in it."""
    return _DEMO.enter(django_db_blocker)


@pytest.fixture(autouse=True)
def _demo_town_is_there(request):
    if "demo_town" in request.fixturenames and _DEMO.atomic is None:
        pytest.fail(
            "demo_town was rolled back before this test: a test that does not use it ran between two that do "
            "in the same module and needed a clean database (transactional). Give it its own module."
        )


class _LiveDemo:
    """The demo town committed and served by a live server (the server answers from its own thread and
    connection), for the browser tests that only read it: built once for all of them (one xdist group,
    ``demo_live``, side by side in the collection) and flushed as soon as the next test does not use it."""

    def __init__(self) -> None:
        self.server: Any = None
        self.blocker: Any = None
        self.unblocked: Any = None

    def enter(self, blocker: Any) -> str:
        if self.server is None:
            from pytest_django.live_server_helper import LiveServer

            from lianxin.demo.generator import generate

            self.blocker = blocker
            # Open while the server serves: its thread reaches the database between the tests too.
            self.unblocked = blocker.unblock()
            try:
                generate()
                server = LiveServer("localhost")
            except BaseException:
                self._flush()
                self.unblocked.__exit__(None, None, None)
                raise
            server._live_server_modified_settings.enable()
            self.server = server
        return str(self.server.url)

    def _flush(self) -> None:
        from django.core.management import call_command
        from django.db import connections

        for alias in connections:
            call_command("flush", verbosity=0, interactive=False, database=alias)

    def leave(self) -> None:
        if self.server is None:
            return
        server, self.server = self.server, None
        try:
            server._live_server_modified_settings.disable()
            server.stop()
        finally:
            try:
                self._flush()
            finally:
                self.unblocked.__exit__(None, None, None)


_LIVE = _LiveDemo()


@pytest.fixture
def demo_live(django_db_setup, django_db_blocker) -> str:
    """The base URL of the served demo town (see ``_LiveDemo``)."""
    return _LIVE.enter(django_db_blocker)


def _uses(item: pytest.Item | None, fixture: str) -> bool:
    return item is not None and fixture in getattr(item, "fixturenames", ())


def _uses_demo_town(item: pytest.Item | None) -> bool:
    return item is not None and "demo_town" in getattr(item, "fixturenames", ())


def _transactional(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Roll the demo town back once the tests that use it are done (after this test's own teardown)."""
    if nextitem is None and _LIVE.server is not None:
        # The last test of the run: its teardown also drops the test databases; flush the served town first.
        _LIVE.leave()
    try:
        return (yield)
    finally:
        if _LIVE.server is not None and not _uses(nextitem, "demo_live"):
            _LIVE.leave()
        if _DEMO.atomic is not None and not _uses_demo_town(nextitem):
            # Within a module the module-scoped fixture stays set up, so the town stays too (as it always
            # did), unless the next test needs a clean database.
            same_module = getattr(nextitem, "module", None) is getattr(item, "module", None)
            if nextitem is None or not same_module or _transactional(nextitem):
                _DEMO.leave()


# The slow groups first, so that with xdist the longest work starts at once and the short tests fill in
# around it; each xdist group stays in one piece (run serially, the demo town is still built once). Ties keep
# the order pytest-django gives (as Django's runner: plain database tests, transactional, no database).
def _order(item: pytest.Item) -> tuple[int, str]:
    if group := item.get_closest_marker("xdist_group"):
        return 0, str(group.args[0] if group.args else group.kwargs.get("name", "default"))
    if item.get_closest_marker("browser"):
        return 1, ""
    if item.get_closest_marker("slow"):
        return 2, ""
    return 3, ""


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    # before the other plugins: mark the demo town's tests (an xdist worker reads the group markers)
    for item in items:
        if _uses_demo_town(item):
            item.add_marker(pytest.mark.slow)
            if not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group("demo_town"))
        if _uses(item, "demo_live"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("demo_live"))
    result = yield
    # after them (pytest-django sorts too)
    items.sort(key=_order)
    if getattr(config.option, "loadgroup", False) and any(
        item.get_closest_marker("xdist_group") and "@" not in item.nodeid for item in items
    ):
        warnings.warn(
            "pytest-xdist did not group the tests (--dist loadgroup; see pytest-xdist#1386): shared fixtures "
            "such as the demo town are built on every worker that needs them",
            pytest.PytestWarning,
            stacklevel=1,
        )
    return result


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


@pytest.fixture(scope="session")
def browser(browser):
    """pytest-playwright's browser, whose every context (the ``context`` fixture's and a test's own) waits up
    to BROWSER_WAIT_MS for a page, an action or an expectation."""
    from playwright.sync_api import expect

    expect.set_options(timeout=BROWSER_WAIT_MS)
    new_context = browser.new_context

    def patient_context(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        context.set_default_timeout(BROWSER_WAIT_MS)
        context.set_default_navigation_timeout(BROWSER_WAIT_MS)
        return context

    browser.new_context = patient_context
    return browser


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
