"""The per-app registries (core/kit.py) that cut the app cycles: what each app registers in its ready(), the
demand page rendering the panels, the API router built from the apps' routes, the retention rules the privacy
app runs, and the import-linter contracts that keep the layers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from lianxin.audit.models import AuditEntry, Kind
from lianxin.core import workflow
from lianxin.core.kit import Panel, everywhere, kit, panels_for
from lianxin.core.retention import Retention
from lianxin.demands.models import Demand
from lianxin.privacy import services as privacy

ROOT = Path(__file__).resolve().parents[2]


def test_the_architecture_contracts_hold():
    """Layers from core upward, nothing imports the demo, no cycles between apps (pyproject.toml)."""
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_the_demand_page_panels_come_from_the_apps_that_own_them():
    names = [(p.name, p.order) for p in panels_for("demands.Demand")]
    assert names == [("intake.suggestion", 10), ("supervision.suggestion", 110), ("disputes.links", 120)]
    assert [p.name for p in kit("intake").panels] == ["intake.suggestion"]
    assert [label for label, _s in everywhere("suggesters")] == ["intake"]


@pytest.mark.django_db
def test_a_registered_panel_shows_on_the_demand_page_escaped_unless_safe(client, loop):
    demand = loop.recorded()
    plain = Panel(name="toy.plain", on="demands.Demand", render=lambda r, d: f"<i>{d.code}</i>", order=5)
    late = Panel(name="toy.late", on="demands.Demand", render=lambda r, d: "toy-late-panel", order=500)
    kit("toy").add("panels", plain, late)
    try:
        client.force_login(loop.presidium)
        html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    finally:
        kit("toy").panels.clear()
    # A plain string is escaped (only a rendered template is trusted as HTML); "head" panels are the advice
    # beside the actions (after them, issue 26), and both come before the "body" panels.
    assert f"&lt;i&gt;{demand.code}&lt;/i&gt;" in html and f"<i>{demand.code}</i>" not in html
    advice = html.index('<details class="advice"')
    assert (
        html.index('id="actions-h"')
        < advice
        < html.index(f"&lt;i&gt;{demand.code}")
        < html.index("toy-late-panel")
    )


def test_the_api_router_serves_exactly_the_routes_the_apps_registered():
    from lianxin.api.urls import router

    registered = {(label, prefix, basename) for label, (prefix, _v, basename) in everywhere("api_routes")}
    assert registered == {
        ("api", "demands", "demand"),
        ("api", "categories", "category"),
        ("api", "cells", "cell"),
        ("api", "stations", "station"),
        ("api", "departments", "department"),
        ("api", "deputies", "deputy"),
        ("disputes", "disputes", "dispute"),
        ("disputes", "mediation-sessions", "mediation-session"),
    }
    assert {(prefix, basename) for prefix, _v, basename in router.registry} == {
        (p, b) for _l, p, b in registered
    }
    assert reverse("api:dispute-list") == "/api/v1/disputes/"
    assert reverse("api:mediation-session-list") == "/api/v1/mediation-sessions/"


def test_workflows_scopes_and_exports_are_listed_in_their_apps_kit():
    for model, table in workflow._WORKFLOWS.items():
        assert table in kit(model._meta.app_label).workflows, model
    assert (Demand, "view") in kit("demands").scopes
    assert all(model._meta.app_label == "demands" for model, _a in kit("demands").scopes)
    assert {e.kind for e in kit("audit").exports} == {"audit.entries"}
    assert {"demands.list", "demands.year"} <= {e.kind for e in kit("demands").exports}


@pytest.mark.django_db
def test_privacy_runs_every_registered_retention_rule_and_audits_each(loop, settings):
    from lianxin.demands import retention

    assert kit("demands").retention == [retention.RULE]
    cleared: list[dt.datetime] = []

    def anonymise(now: dt.datetime) -> tuple[int, dict[str, int]]:
        cleared.append(now)
        return 3, {"toys": 3}

    rule = Retention(
        name="toy.toy",
        key="toys",
        days=lambda: 9999,
        due=lambda now: Demand.objects.none(),
        anonymise=anonymise,
        data_of=lambda user: [{"toy": user.pk}],
    )
    kit("toy").add("retention", rule)
    try:
        assert privacy.personal_data_anonymise() == 3  # no demand is due: the toy rule's rows alone
        data = privacy.citizen_data(loop.presidium)
    finally:
        kit("toy").retention.clear()
    [entry] = AuditEntry.objects.filter(kind=Kind.RETENTION)
    assert entry.object_type == "toy.toy" and entry.details == {"toys": 3}
    assert len(cleared) == 1
    assert data["toys"] == [{"toy": loop.presidium.pk}] and data["demands"] == []
    assert data["retention_days"] == 9999
