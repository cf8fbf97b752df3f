"""32 deputies of one cell claim the same demand at the same moment, each on its own PostgreSQL connection,
through the REST API: exactly one wins (200), every other gets the 409 refusal, one claim event is written.
Figures: rounds, claimants, double claims (more than one winner in a round), other answers."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lianxin.accounts.roles import Role
from lianxin.demands.models import Demand, DemandEvent
from tests.factories import DeputyCellFactory, DeputyFactory, UserFactory
from tests.loop import Loop

from . import figures
from .race import race

CLAIMANTS = 32
ROUNDS = 10


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_claimants_never_double_claim():
    if connection.vendor != "postgresql":
        pytest.skip("the claim race is proven on PostgreSQL (one connection per claimant)")
    loop = Loop.build()
    deputies = [loop.deputy]
    for _ in range(CLAIMANTS - 1):
        user = UserFactory(role=Role.DEPUTY, town=loop.town)
        DeputyCellFactory(town=loop.town, cell=loop.cell, deputy=DeputyFactory(town=loop.town, user=user))
        deputies.append(user)
    clients = []
    for user in deputies:
        c = APIClient()
        c.force_authenticate(user)
        clients.append(c)
    double = other = 0
    for _round in range(ROUNDS):
        demand = loop.recorded()
        url = f"/api/v1/demands/{demand.code}/claim/"
        answers = race(CLAIMANTS, lambda i, url=url: clients[i].post(url))
        codes = [a.status_code if not isinstance(a, Exception) else repr(a) for a in answers]
        winners = [i for i, code in enumerate(codes) if code == 200]
        double += int(len(winners) > 1)
        other += sum(1 for code in codes if code not in (200, 409))
        demand.refresh_from_db()
        events = DemandEvent.objects.filter(demand=demand, action="claim").count()
        double += int(events > 1)
        assert len(winners) == 1 and codes.count(409) == CLAIMANTS - 1, codes
        assert events == 1 and demand.deputy.user_id == deputies[winners[0]].pk
        assert Demand.objects.get(pk=demand.pk).status == demand.status
    figures.record("claims", rounds=ROUNDS, claimants=CLAIMANTS, double_claims=double, other_answers=other)
    assert double == 0 and other == 0
