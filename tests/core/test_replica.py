"""Reads from a real streaming replica (lianxin/core/routers.py), with read-your-writes.

The fixture starts a PostgreSQL primary on 5491 and a replica fed by ``pg_basebackup`` on 5492 (tests/pgcluster.py),
points Django's ``default`` at the primary and ``replica`` at the replica, migrates the primary (the replica
follows through the WAL), and removes both clusters at the end. It takes most of a minute, so it runs only when
asked: ``LIANXIN_REPLICA_TESTS=1 .venv/bin/pytest -n 0 -m replica tests/core/test_replica.py`` (a step of .ci/run).

No test transaction here: the replica only sees what the primary committed. Each test makes its own town.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import environ
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, InternalError, connections
from django.db.utils import OperationalError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.core.routers import REPLICA, sticky_seconds
from lianxin.demands.models import Demand
from tests.pgcluster import ReplicatedCluster

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        os.environ.get("LIANXIN_REPLICA_TESTS") != "1",
        reason="starts two PostgreSQL clusters (primary 5491, replica 5492): set LIANXIN_REPLICA_TESTS=1 "
        "(.ci/run does)",
    ),
]

PRIMARY_PORT = int(os.environ.get("LIANXIN_REPLICA_PRIMARY_PORT", "5491"))
REPLICA_PORT = int(os.environ.get("LIANXIN_REPLICA_REPLICA_PORT", "5492"))
DATABASE = "lx_scale"


def _point_django_at(databases: dict[str, dict[str, Any]]) -> None:
    """Swap the project's databases for these (connections are made lazily, so none is open yet after this)."""
    connections.close_all()
    for alias in list(connections.settings):
        with suppress(AttributeError):
            delattr(connections._connections, alias)
    settings.DATABASES = databases
    connections._settings = connections.configure_settings(databases)
    connections.__dict__["settings"] = connections._settings


def _config(url: str) -> dict[str, Any]:
    config = environ.Env.db_url_config(url)
    config["CONN_MAX_AGE"] = 0
    return config


@pytest.fixture(scope="module")
def cluster(django_db_blocker: Any) -> Iterator[ReplicatedCluster]:
    clusters = ReplicatedCluster(
        Path(tempfile.gettempdir()) / "lx-scale-replication", PRIMARY_PORT, REPLICA_PORT
    )
    before = settings.DATABASES
    try:
        clusters.start()
        clusters.primary.sql(f"CREATE DATABASE {DATABASE}")
        _point_django_at(
            {
                DEFAULT_DB_ALIAS: _config(clusters.primary.url(DATABASE)),
                REPLICA: _config(clusters.replica.url(DATABASE)),
            }
        )
        with django_db_blocker.unblock():
            call_command("migrate", database=DEFAULT_DB_ALIAS, verbosity=0)
            clusters.wait_replayed()
            yield clusters
            connections.close_all()
    finally:
        _point_django_at(before)
        clusters.remove()


@pytest.fixture
def town_with_staff(cluster: ReplicatedCluster) -> dict[str, Any]:
    from tests.factories import CategoryFactory, GridCellFactory, TownFactory, UserFactory

    town = TownFactory()
    made = {
        "town": town,
        "cell": GridCellFactory(town=town),
        "category": CategoryFactory(town=town),
        "recorder": UserFactory(role=Role.PRESIDIUM, town=town),
        "colleague": UserFactory(role=Role.PRESIDIUM, town=town),
    }
    # One demand on the list from the start, through the service (so the town's status counters count it):
    # a list the counters say is empty reads no demand rows at all, on either database.
    _record(_client(made["recorder"]), made, "村口积水 (already on the list)")
    cluster.wait_replayed()
    return made


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _demand_reads(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if 'FROM "demands_demand"' in q["sql"]]


def _list(client: Client) -> tuple[str, list[str], list[str]]:
    """The problem list's page, and its reads of demands on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(reverse("demands:list", args=["problem"]))
    assert response.status_code == 200
    return response.content.decode(), _demand_reads(on_primary), _demand_reads(on_replica)


def _record(client: Client, made: dict[str, Any], title: str) -> None:
    response = client.post(
        reverse("demands:record"),
        {
            "intake_key": os.urandom(16).hex(),
            "channel": "station",
            "category": made["category"].pk,
            "urgency": "general",
            "title": title,
            "description": "村东桥头护栏松动,有孩子经过",
            "cell": made["cell"].pk,
            "requester_name": "王大爷",
            "requester_phone": "13700001111",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_replica_streams_and_refuses_writes(cluster):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)
    with pytest.raises((InternalError, OperationalError), match="read-only transaction"):
        Demand.objects.using(REPLICA).filter(pk=-1).update(title="x")


def test_a_list_page_reads_from_the_replica(town_with_staff):
    _html, on_primary, on_replica = _list(_client(town_with_staff["colleague"]))
    assert on_replica, "the list's demands came from the replica"
    assert not on_primary


def test_who_just_wrote_reads_the_primary_even_while_the_replica_lags(cluster, town_with_staff):
    recorder, colleague = _client(town_with_staff["recorder"]), _client(town_with_staff["colleague"])
    _list(colleague)  # both have a page open
    cluster.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        _record(recorder, town_with_staff, "桥头护栏松动 (replica test)")
        assert Demand.objects.filter(title="桥头护栏松动 (replica test)").exists()

        html, on_primary, on_replica = _list(recorder)
        assert "桥头护栏松动 (replica test)" in html, "the recorder sees the new demand at once"
        assert on_primary and not on_replica

        html, on_primary, on_replica = _list(colleague)
        assert "桥头护栏松动 (replica test)" not in html, "the colleague reads the paused replica"
        assert on_replica and not on_primary
    finally:
        cluster.replica.sql("SELECT pg_wal_replay_resume()")
    cluster.wait_replayed()
    html, _on_primary, on_replica = _list(colleague)
    assert "桥头护栏松动 (replica test)" in html and on_replica


def test_the_recorder_returns_to_the_replica_when_the_window_has_passed(cluster, town_with_staff):
    recorder = _client(town_with_staff["recorder"])
    _record(recorder, town_with_staff, "路灯不亮 (window test)")
    cluster.wait_replayed()
    with time_machine.travel(time.time() + sticky_seconds() + 1):
        html, on_primary, on_replica = _list(recorder)
    assert "路灯不亮 (window test)" in html
    assert on_replica and not on_primary


def test_writes_go_to_the_primary_even_for_a_row_read_from_the_replica(cluster, town_with_staff):
    from tests.factories import DemandFactory

    made = DemandFactory(town=town_with_staff["town"], category=town_with_staff["category"])
    cluster.wait_replayed()
    copy = Demand.objects.using(REPLICA).get(pk=made.pk)
    copy.title = "从副本读出, 写回主库"
    copy.save(update_fields=["title"])
    assert Demand.objects.using(DEFAULT_DB_ALIAS).get(pk=made.pk).title == "从副本读出, 写回主库"


@pytest.mark.parametrize(
    ("page", "signed_in"),
    [
        ("/demands/lists/problem/?format=xlsx", True),  # an export
        ("/demands/lists/", True),
        ("/insight/", True),  # a dashboard
        ("/api/v1/demands/", True),  # an API list
        ("board", False),  # the public board
    ],
)
def test_dashboards_exports_and_public_lists_read_the_replica(town_with_staff, page, signed_in):
    from tests.factories import DemandFactory

    DemandFactory(town=town_with_staff["town"], category=town_with_staff["category"])
    client = _client(town_with_staff["colleague"]) if signed_in else Client()
    url = reverse("portal:board", args=[town_with_staff["town"].code]) if page == "board" else page
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert on_replica.captured_queries, "read from the replica"
    assert not _demand_reads(on_primary), "no demand read on the primary"
