"""A submission sent again makes no second demand: the REST API and Open311 with an Idempotency-Key, the
citizen's mobile form and the staff's record form (their hidden one-time key) — each retried one after
the other (a double tap, a network retry) and by several copies at the same moment.
Figures: submissions, requests sent, demands made, duplicates."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from lianxin.api.services import api_key_create
from lianxin.demands.models import Demand, DemandEvent
from tests.loop import Loop

from . import figures
from .race import race

SUBMISSIONS = 4  # per way in
AGAIN = 2  # sent again one after the other
TWINS = 6  # then sent by this many copies at once


def _send_many(submit: Callable[[str], Any], name: str) -> tuple[int, int]:
    """Each submission (a fresh key) sent 1 + AGAIN times in a row, then TWINS times at once; every answer
    must be a success and name one demand. Returns (requests sent, demands made)."""
    sent = 0
    made: set[int] = set()
    for _ in range(SUBMISSIONS):
        key = str(uuid.uuid4())
        answers = [submit(key) for _ in range(1 + AGAIN)]
        answers += race(TWINS, lambda _i, key=key: submit(key))
        sent += len(answers)
        assert all(not isinstance(a, Exception) for a in answers), (name, answers)
        assert all(a.status_code in (200, 201, 302) for a in answers), (
            name,
            [a.status_code for a in answers],
        )
        made.update(Demand.objects.filter(description__contains=key).values_list("pk", flat=True))
    return sent, len(made)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_retried_submissions_never_duplicate(settings):
    settings.PORTAL_SUBMIT_RATE_IP = settings.PORTAL_SUBMIT_RATE_PHONE = "10000/h"
    loop = Loop.build()
    _api_key, raw = api_key_create(town=loop.town, name="12345")

    def rest(key: str) -> Any:
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        body = {"category": loop.category.pk, "description": f"桥栏杆松动 {key}", "cell_code": loop.cell.code}
        return c.post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    def open311(key: str) -> Any:
        body = {
            "api_key": raw,
            "service_code": loop.category.pk,
            "address_id": loop.cell.code,
            "description": f"夜间噪音 {key}",
        }
        return APIClient().post("/open311/v2/requests.json", body, HTTP_IDEMPOTENCY_KEY=key)

    def mobile(key: str) -> Any:
        body = {
            "category": loop.category.pk,
            "description": f"村口路灯坏了 {key}",
            "cell": loop.cell.pk,
            "name": "王秀英",
            "phone": "13912340001",
            "intake_key": key,
        }
        return Client().post(f"/m/{loop.town.code}/", body)

    signed_in = Client()
    signed_in.force_login(loop.deputy)

    def staff(key: str) -> Any:
        c = Client()
        c.cookies = signed_in.cookies
        body = {
            "intake_key": key.replace("-", ""),
            "channel": "deputy_visit",
            "category": loop.category.pk,
            "urgency": "general",
            "title": "代表接待记录",
            "description": f"群众反映道路破损 {key}",
            "cell": loop.cell.pk,
        }
        return c.post("/demands/new/", body)

    total_sent = total_made = 0
    for name, submit in (("rest", rest), ("open311", open311), ("mobile", mobile), ("staff", staff)):
        sent, made = _send_many(submit, name)
        total_sent += sent
        total_made += made
        assert made == SUBMISSIONS, (name, made)
    # and each demand was recorded once: one RECORD event each
    for demand in Demand.objects.filter(town=loop.town):
        assert DemandEvent.objects.filter(demand=demand, action="record").count() == 1, demand.code
    figures.record(
        "retries",
        submissions=4 * SUBMISSIONS,
        requests=total_sent,
        demands=total_made,
        duplicates=total_made - 4 * SUBMISSIONS,
    )
