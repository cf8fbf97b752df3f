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


def test_parties_are_masked_for_every_reader_and_others_read_their_scope(ledger):
    dispute = ledger.registered()
    body = _client(ledger.presidium).get(f"/api/v1/disputes/{dispute.code}/").json()
    assert body["parties"][0]["name"] == "张**"
    listed = _client(ledger.presidium).get("/api/v1/disputes/").json()["results"]
    assert all("*" in p["name"] for d in listed for p in d["parties"])
    assert _client(ledger.outsider).get(f"/api/v1/disputes/{dispute.code}/").status_code == 404
    assert _client(ledger.other_deputy_user).get("/api/v1/disputes/").json()["count"] == 0
    assert _client(ledger.deputy_user).get("/api/v1/disputes/").json()["count"] == 1
    assert _client(ledger.citizen).get("/api/v1/mediation-sessions/").json()["count"] == 0
    assert APIClient().get("/api/v1/disputes/").status_code in (401, 403)


@pytest.mark.parametrize(("who", "status"), [("presidium", 200), ("mediator", 200), ("other_mediator", 403)])
def test_the_parties_in_full_answer_a_reveal_with_a_reason_and_an_audit_entry(ledger, who, status):
    from lianxin.audit.models import AuditEntry

    dispute = ledger.at("mediating")
    client = _client(getattr(ledger, who))
    url = f"/api/v1/disputes/{dispute.code}/reveal/"
    assert client.post(url, {}, format="json").status_code == (400 if status == 200 else status)
    answer = client.post(url, {"reason": "通知当事人到场"}, format="json")
    assert answer.status_code == status
    entries = AuditEntry.objects.filter(kind="reveal", object_id=str(dispute.pk))
    if status != 200:
        assert not entries.exists()
        return
    assert answer.json()[0]["name"] == "张建国"
    (entry,) = entries
    assert (entry.user_id, entry.reason) == (getattr(ledger, who).pk, "通知当事人到场")
