"""The replica router's rules (lianxin/core/routers.py), quickly, on whatever database the suite runs.

Without ``DATABASE_REPLICA_URL`` the router must change nothing. The rules with a replica alias are checked on the
router's own answers (no query goes anywhere); tests/core/test_replica.py runs them against a real replica.
"""

from __future__ import annotations

import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.core import routers
from lianxin.core.routers import COOKIE, ReadYourWritesMiddleware, ReplicaRouter, reads_from_replica
from lianxin.demands.models import Demand

router = ReplicaRouter()


@pytest.fixture
def with_replica(settings, monkeypatch):
    """A replica alias in the settings (never connected to: these tests only ask the router)."""
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))


def _seen_by(view, request: HttpRequest) -> tuple[HttpResponse, list[str | None]]:
    """The response of ``view`` behind the middleware, and where the router sent a demand read in it."""
    seen: list[str | None] = []

    def page(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Demand))
        return view(request)

    return ReadYourWritesMiddleware(reads_from_replica(page))(request), seen


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_without_a_replica_the_router_says_nothing():
    assert routers.replica_alias() is None
    with routers.replica_reads():
        assert router.db_for_read(Demand) is None
    assert router.db_for_write(Demand) is None
    assert router.allow_migrate("default", "demands") is None
    response, seen = _seen_by(_ok, RequestFactory().post("/"))
    assert seen == [None] and COOKIE not in response.cookies, "no cookie for installs without a replica"


def test_the_pages_still_answer_without_a_replica(client, persona):
    client.force_login(persona(Role.PRESIDIUM))
    for name, args in [("demands:list", ["problem"]), ("demands:overview", []), ("insight:dashboard", [])]:
        assert client.get(reverse(name, args=args)).status_code == 200


def test_marked_reads_go_to_the_replica_the_rest_to_the_primary(with_replica):
    assert router.db_for_read(Demand) == "default", "a read nobody marked"
    with routers.replica_reads():
        assert router.db_for_read(Demand) == "replica"
        assert router.db_for_read(Session) == "default", "sessions are never stale"
        assert router.db_for_write(Demand) == "default"
    assert router.allow_migrate("replica", "demands") is False
    assert router.allow_migrate("default", "demands") is None


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_the_primary_stay_there(with_replica):
    with routers.replica_reads():
        with transaction.atomic():
            assert router.db_for_read(Demand) == "default"
        assert router.db_for_read(Demand) == "replica"


def test_only_get_and_head_read_from_the_replica(with_replica):
    factory = RequestFactory()
    assert _seen_by(_ok, factory.get("/"))[1] == ["replica"]
    assert _seen_by(_ok, factory.head("/"))[1] == ["replica"]
    assert _seen_by(_ok, factory.post("/"))[1] == ["default"]


def test_after_a_post_the_same_person_reads_the_primary_for_a_while(with_replica, settings):
    factory = RequestFactory()
    posted, _seen = _seen_by(_ok, factory.post("/"))
    cookie = posted.cookies[COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_STICKY_SECONDS and cookie["httponly"]

    after = factory.get("/")
    after.COOKIES[COOKIE] = cookie.value
    assert _seen_by(_ok, after)[1] == ["default"], "read your own writes"
    assert _seen_by(_ok, factory.get("/"))[1] == ["replica"], "someone else"

    forged = factory.get("/")
    forged.COOKIES[COOKIE] = "1"
    assert _seen_by(_ok, forged)[1] == ["replica"], "an unsigned cookie counts for nothing"

    with time_machine.travel(time.time() + settings.DATABASE_REPLICA_STICKY_SECONDS + 1):
        late = factory.get("/")
        late.COOKIES[COOKIE] = cookie.value
        assert _seen_by(_ok, late)[1] == ["replica"], "the window has passed"


def test_a_write_in_a_get_pins_the_rest_of_it_and_the_next_requests(with_replica):
    def writes(request: HttpRequest) -> HttpResponse:
        router.db_for_write(Demand)  # what save(), update() and delete() ask before writing
        return HttpResponse(router.db_for_read(Demand))

    response, seen = _seen_by(writes, RequestFactory().get("/"))
    assert seen == ["replica"] and response.content == b"default"
    assert COOKIE in response.cookies

    def keeps_a_session(request: HttpRequest) -> HttpResponse:
        router.db_for_write(Session)  # bookkeeping: not a change anyone looks for on a page
        return HttpResponse(router.db_for_read(Demand))

    response, _seen = _seen_by(keeps_a_session, RequestFactory().get("/"))
    assert response.content == b"replica" and COOKIE not in response.cookies


def test_a_streamed_body_is_read_from_the_replica_too(with_replica):
    def streams(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(router.db_for_read(Demand) for _ in range(2))

    response, _seen = _seen_by(streams, RequestFactory().get("/"))
    assert b"".join(response.streaming_content) == b"replicareplica"
