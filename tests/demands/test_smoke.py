import pytest

from lianxin.demands.workflow import Status

pytestmark = pytest.mark.django_db


def test_a_demand_walks_the_whole_loop(loop):
    demand = loop.closed()
    assert demand.status == Status.CLOSED
    actions = list(demand.events.values_list("action", flat=True))
    assert actions == ["record", "claim", "assign", "accept", "complete", "evaluate", "close"]


def test_unsatisfied_goes_back(loop):
    assert loop.returned().status == Status.RETURNED
