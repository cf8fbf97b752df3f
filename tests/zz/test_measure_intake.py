import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.demands import services
from lianxin.notify.models import OutboxMessage
from tests.factories import DeputyCellFactory, DeputyFactory, UserFactory
from tests.loop import Loop

pytestmark = pytest.mark.django_db


def test_measure():
    loop = Loop.build()
    for _ in range(2):  # three deputies serve the cell
        u = UserFactory(role="deputy", town=loop.town)
        DeputyCellFactory(town=loop.town, cell=loop.cell, deputy=DeputyFactory(town=loop.town, user=u))
    kw = dict(town=loop.town, recorded_by=None, channel="hotline", category=loop.category, title="积水",
              description="雨后积水", lat=35.265, lng=113.665, requester_phone="13900001111")
    services.demand_record(**kw)
    before = OutboxMessage.objects.count()
    n = 10
    with CaptureQueriesContext(connection) as q:
        for _ in range(n):
            services.demand_record(**kw)
    rows = OutboxMessage.objects.count() - before
    sql = [x["sql"][:90] for x in q.captured_queries]
    print("\nSTATEMENTS per demand", len(sql) / n, "outbox rows per demand", rows / n)
    for s in sql[: len(sql) // n + 2]:
        print("  ", s)
