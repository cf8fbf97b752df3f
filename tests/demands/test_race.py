"""Many deputies claim the same demand at the same moment: exactly one wins, on either database."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from lianxin.accounts.roles import Role
from lianxin.demands import services
from lianxin.demands.models import Demand, DemandEvent

from ..conftest import HANG
from ..factories import DeputyCellFactory, DeputyFactory, UserFactory
from ..loop import Loop

CLAIMANTS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_exactly_one_winner():
    loop = Loop.build()
    deputies = [loop.deputy]
    for _ in range(CLAIMANTS - 1):
        user = UserFactory(role=Role.DEPUTY, town=loop.town)
        DeputyCellFactory(town=loop.town, cell=loop.cell, deputy=DeputyFactory(town=loop.town, user=user))
        deputies.append(user)
    demand = loop.recorded()
    barrier = threading.Barrier(CLAIMANTS)
    wins: list[int] = []
    losses: list[str] = []

    def claim(user):
        try:
            fresh = Demand.objects.get(pk=demand.pk)  # every claimant has read "recorded"
            actor = type(user).objects.select_related("deputy").get(pk=user.pk)
            barrier.wait(timeout=HANG)
            services.demand_claim(demand=fresh, actor=actor)
            wins.append(user.pk)
        except services.TransitionError as exc:
            losses.append(str(exc.message))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in deputies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HANG)
    assert len(wins) == 1, (wins, losses)
    assert len(losses) == CLAIMANTS - 1
    demand.refresh_from_db()
    assert demand.deputy.user_id == wins[0]
    assert DemandEvent.objects.filter(demand=demand, action="claim").count() == 1
