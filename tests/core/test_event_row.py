"""One event row: every workflow's event table derives from core's ``EventRow``, its kinds are one
``TextChoices`` in the app's ``events.py``, and every row keeps the data its event published."""

from __future__ import annotations

import pytest
from django.apps import apps

from lianxin.core.models import EventRow
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands.events import Event
from lianxin.demands.models import DemandEvent

pytestmark = pytest.mark.django_db


def _workflows() -> list[Workflow]:
    found = []
    for model in apps.get_models():
        try:
            found.append(workflow_of(model))
        except KeyError:
            continue
    return found


def test_every_workflow_writes_core_event_rows_with_kinds_from_its_events_module():
    flows = _workflows()
    assert len(flows) >= 14
    for flow in flows:
        assert issubclass(flow.events, EventRow), flow.events
        assert flow.kinds.__module__ == f"lianxin.{flow.app_label}.events", flow.kinds
        # the stored values fit the one column, and the database refuses any other
        assert all(len(v) <= 24 for v in flow.kinds.values)
        assert set(flow.kinds.values) <= {c for c, _ in flow.events._meta.get_field("action").choices}


def test_the_row_keeps_the_published_data_with_objects_as_their_keys(loop):
    demand = loop.assigned()
    row = DemandEvent.objects.get(demand=demand, action=Event.ASSIGN)
    assert row.data["department"] == loop.department.pk
    assert "due_at" in row.data and row.data["co_departments"] == []
