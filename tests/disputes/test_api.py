"""/api/v1/disputes/ and /api/v1/mediation-sessions/: the pages' scopes, parties masked."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lianxin.api.services import api_key_create
from lianxin.disputes.models import Status

pytestmark = pytest.mark.django_db


def _client(user=None, raw=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_login(user)
    if raw is not None:
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return c


def test_a_system_key_reads_its_towns_disputes_masked(ledger):
    dispute = ledger.at(Status.MEDIATING)
    ledger.do("session", dispute, ledger.mediator)
    _, raw = api_key_create(town=ledger.town, name="12345 热线")
    body = _client(raw=raw).get(f"/api/v1/disputes/{dispute.code}/").json()
    assert body["status"] == "mediating" and body["risk"] == "general"
    assert [p["name"] for p in body["parties"]] == ["张**", "李**"]
    assert body["parties"][0]["phone"] == "138****5678"
    assert body["parties"][0]["id_number"] == "410724********1234"
    sessions = _client(raw=raw).get("/api/v1/mediation-sessions/").json()["results"]
    assert [(s["dispute"], s["supervisor"]) for s in sessions] == [(dispute.code, "王代表")]


def test_the_presidium_reads_parties_unmasked_and_others_read_their_scope(ledger):
    dispute = ledger.registered()
    body = _client(ledger.presidium).get(f"/api/v1/disputes/{dispute.code}/").json()
    assert body["parties"][0]["name"] == "张建国"
    assert _client(ledger.outsider).get(f"/api/v1/disputes/{dispute.code}/").status_code == 404
    assert _client(ledger.other_deputy_user).get("/api/v1/disputes/").json()["count"] == 0
    assert _client(ledger.deputy_user).get("/api/v1/disputes/").json()["count"] == 1
    assert _client(ledger.citizen).get("/api/v1/mediation-sessions/").json()["count"] == 0
    assert APIClient().get("/api/v1/disputes/").status_code in (401, 403)
