"""Intake at a county's peak: the statements and outbox rows one recording makes (issue 17, item 4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.demands import services
from lianxin.notify.models import OutboxMessage
from lianxin.territory.models import GridCell

from ..factories import DeputyCellFactory, DeputyFactory, UserFactory
from ..loop import Loop

pytestmark = pytest.mark.django_db

# Measured on a demand placed by its point, from a phone, in a cell three deputies serve: 20 statements
# before (the cells' boundaries and the intake's reference data read again on every call, a look-up and a
# savepoint for an intake decision that cannot exist yet, one INSERT per notice); 8 now, and one INSERT of the
# outbox for the event. The test's own savepoint around each call is not counted. Since the group robots, one
# more: the town's active robots, looked up once per event (notify/robots.py), never per notice or audience.
# outbox for the event. The test's own savepoint around each call is not counted. 9 since the deputies' choices
# of channel are read (issue 25: one query per staff notice, the town's lock folded into it).
MAX_STATEMENTS = 10


def _kwargs(loop: Loop) -> dict:
    return {
        "town": loop.town,
        "recorded_by": None,
        "channel": "hotline",
        "category": loop.category,
        "title": "小区门口积水",
        "description": "雨后积水一周未退",
        "lat": 35.265,
        "lng": 113.665,
        "requester_phone": "13900001111",
    }


@pytest.fixture
def busy_cell(loop):
    for _ in range(2):  # three deputies serve the cell
        user = UserFactory(role="deputy", town=loop.town)
        DeputyCellFactory(town=loop.town, cell=loop.cell, deputy=DeputyFactory(town=loop.town, user=user))
    services.demand_record(**_kwargs(loop))  # the process's reference data and cell index are built
    return loop


def statements(loop: Loop, n: int = 5) -> tuple[float, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        for _ in range(n):
            services.demand_record(**_kwargs(loop))
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    return len(sql) / n, sql


def test_recording_a_demand_stays_within_its_statements(busy_cell):
    loop = busy_cell
    before = OutboxMessage.objects.count()
    per_demand, sql = statements(loop)
    assert per_demand <= MAX_STATEMENTS, "\n".join(sql[: int(per_demand)])
    assert sum("notify_outboxmessage" in s and s.startswith("INSERT") for s in sql) == 5  # one per event
    assert not any("territory_gridcell" in s for s in sql)  # the cell index is the process's
    # One in-app row for the three deputies, one text to the citizen (four rows each before).
    assert OutboxMessage.objects.count() - before == 5 * 2


def test_a_changed_cell_reaches_the_next_recording(busy_cell):
    loop = busy_cell
    assert services.demand_record(**_kwargs(loop)).cell == loop.cell
    moved = GridCell.objects.get(pk=loop.cell.pk)
    moved.boundary = {
        "type": "Polygon",
        "coordinates": [[[100.0, 20.0], [100.01, 20.0], [100.01, 20.01], [100.0, 20.01], [100.0, 20.0]]],
    }
    moved.save()
    placed = services.demand_record(**_kwargs(loop))
    assert placed.cell != loop.cell  # the old boundary is no longer in the index
