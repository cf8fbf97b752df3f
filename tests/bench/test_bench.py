"""bench/run's parts at a tiny size, so the benchmark does not rot (its figures are not tested here)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import dataset, inproc
from bench.main import p95, targets
from lianxin.demands.models import Assignment, Demand, DemandEvent
from lianxin.demands.services import demand_record

pytestmark = pytest.mark.django_db


def test_the_county_builder_copies_demands_with_their_events_and_assignment(demo_town):
    before = dataset.counts()
    target = 2 * before["rows_demands"]
    copies = dataset.clone_demands(target=target)
    after = dataset.counts()
    assert copies == 1
    made = after["rows_demands"] - before["rows_demands"]
    assert 0.7 * before["rows_demands"] <= made <= before["rows_demands"]  # about the target
    # every demand with an assignment comes along with it; a copy has at most three events
    assert after["rows_assignments"] == 2 * before["rows_assignments"]
    assert before["rows_events"] < after["rows_events"] <= before["rows_events"] + 3 * made
    original = Demand.objects.filter(assignment__isnull=False).order_by("pk").first()
    copy = Demand.objects.get(code=f"{original.code}-1")
    assert (copy.town_id, copy.category_id, copy.status, copy.title) == (
        original.town_id,
        original.category_id,
        original.status,
        original.title,
    )
    assert Assignment.objects.get(demand=copy).department_id == original.assignment.department_id
    assert DemandEvent.objects.filter(demand=copy).exists()


def test_the_baselines_and_the_pages_answer_with_their_query_count(demo_town, settings):
    settings.ROOT_URLCONF = "bench.urls"  # what bench.settings adds to the production settings
    settings.MIDDLEWARE = ["bench.middleware.count_queries", *settings.MIDDLEWARE]
    prepared = inproc.prepare()
    client = Client()
    bare = client.get("/bench/ok/")
    assert bare.status_code == 200 and bare["X-Bench-Queries"] == "0"
    assert client.get("/bench/auth/").status_code == 302  # signed-in only
    client.cookies[prepared["session_cookie"]] = prepared["sessions"]["presidium"]
    signed_in = client.get("/bench/auth/")
    assert signed_in.status_code == 200 and int(signed_in["X-Bench-Queries"]) > 0
    pages = {(p["user"], p["label"]): p["url"] for p in prepared["pages"]}
    problem = client.get(pages[("presidium", "problem list")])
    assert problem.status_code == 200 and int(problem["X-Bench-Queries"]) > 0
    assert client.get(pages[("presidium", "demand detail")]).status_code == 200


def test_intake_is_measured_against_the_raw_insert(demo_town):
    """What the figures are made of (not their size: timing is bench/run's): the raw INSERTs copy the
    service's rows, the statements counted are those one demand_record takes, the ratio is of the two
    speeds reported (issue 26, point 26)."""
    before = set(Demand.objects.values_list("pk", flat=True))
    result = inproc.intake(3)
    new = Demand.objects.exclude(pk__in=before)
    assert new.count() == 2 + 3 + 3  # a warm-up and a counted call, 3 by the service, 3 raw
    by_service = new.filter(title__in=[f"基准测试 {i}" for i in (1, 2, 3)]).exclude(code__startswith="R")
    raw = new.filter(code__startswith="R")
    assert by_service.count() == 3 and raw.count() == 3
    assert sorted(raw.values_list("title", flat=True)) == sorted(by_service.values_list("title", flat=True))
    assert set(raw.values_list("town_id", "category_id", "status", "channel")) == set(
        by_service.values_list("town_id", "category_id", "status", "channel")
    )
    assert result["ratio"] == pytest.approx(
        result["service_per_s"] / result["raw_insert_per_s"], rel=0.05, abs=0.001
    )  # rounded to 3 places
    # the statements of one more recorded demand, counted here: the same number the bench reported
    args = _record_args(by_service.first().town_id)
    with CaptureQueriesContext(connection) as one:
        again = demand_record(**args)
    # (give or take one: a later call may skip or add one cache lookup; a query per row would differ by many)
    assert again.pk and abs(len(one.captured_queries) - result["statements_per_demand"]) <= 1


def _record_args(town_id: int) -> dict:
    """demand_record's arguments as bench/inproc.py's intake passes them (looked up before counting)."""
    from lianxin.accounts.models import User
    from lianxin.core.models import Town
    from lianxin.demands.models import Category
    from lianxin.territory.models import GridCell

    return {
        "town": Town.objects.get(pk=town_id),
        "recorded_by": User.objects.get(username="presidium"),
        "channel": "hotline",
        "category": Category.objects.filter(town_id=town_id).order_by("pk").first(),
        "title": "基准测试 again",
        "description": "路灯不亮，晚上出行不便。",
        "cell": GridCell.objects.filter(town_id=town_id).order_by("pk").first(),
        "requester_name": "王先生",
        "requester_phone": "13900000000",
    }


def test_the_targets_say_met_or_missed():
    assert p95([float(i) for i in range(1, 21)]) == 19.0
    result = {
        "pages": [
            {
                "dataset": "c",
                "group": "baseline",
                "label": "bare authenticated view",
                "user": "x",
                "p95_ms": 10.0,
                "status": [200],
            },
            {"dataset": "c", "group": "staff", "label": "home", "user": "x", "p95_ms": 25.0, "status": [200]},
            {"dataset": "c", "group": "staff", "label": "list", "user": "x", "p95_ms": 45.0, "status": [200]},
        ],
        "exports": [],
        "intake": [{"dataset": "c", "ratio": 0.1}],
        "throughput": [{"dataset": "s-sqlite", "kind": "bare view", "per_s": 100.0, "locked": 0}],
    }
    lines = targets(result, "c", None)
    assert "**missed** by 1 of 2 pages; worst: x list 4.5×" in lines[0]
    assert "missed (0.50 of the target)" in lines[2]
    assert lines[-1].endswith("**met**")
