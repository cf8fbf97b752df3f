"""The year's supervision plan (年度监督计划): each move and its refused roles, the progress against a
hand-counted plan, the theme item done when its theme concludes, the pages' scope and bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from lianxin.core.workflow import TransitionError
from lianxin.supervision import selectors, services
from lianxin.supervision.models import PlanItem, SupervisionPlan
from lianxin.supervision.workflow import PLAN_ITEMS, PLANS

from .test_workflows import PERSONAS, _who

pytestmark = pytest.mark.django_db


def _plan(
    sup: Any, *kinds: str, year: int = 2026, adopt: bool = True
) -> tuple[SupervisionPlan, list[PlanItem]]:
    plan = services.plan_draft(
        town=sup.town, actor=sup.loop.presidium, year=year, title=f"{year}年监督工作计划"
    )
    items = [
        services.plan_add_item(
            plan=plan, actor=sup.loop.presidium, kind=kind, subject=f"{kind}-{n}", month=n % 12 + 1,
            department=sup.loop.department,
        )
        for n, kind in enumerate(kinds)
    ]  # fmt: skip
    if adopt:
        plan = services.plan_adopt(plan=plan, actor=sup.loop.presidium, adopted_on=dt.date(year, 1, 8))
    return plan, items


def _call(action: str, sup: Any, item: PlanItem, actor: Any) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "hear_report": lambda: services.plan_item_hear_report(
            item=item, actor=actor, heard_on=dt.date(2026, 4, 24), opinions="建议限期办结",
            deputies=[sup.loop.deputy.deputy, sup.loop.other_deputy.deputy],
        ),
        "mark_done": lambda: services.plan_item_mark_done(
            item=item, actor=actor, done_on=dt.date(2026, 5, 20), outcome="视察5个村"
        ),
        "drop_item": lambda: services.plan_item_drop(item=item, actor=actor, reason="并入民生实事视察"),
    }  # fmt: skip
    return calls[action]()


# action → (the item's kind, its status after; only the presidium may)
CASES: dict[str, tuple[str, str]] = {
    "hear_report": ("report", "done"),
    "mark_done": ("inspection", "done"),
    "drop_item": ("report", "dropped"),
}


def test_every_move_has_a_case():
    assert set(PLAN_ITEMS.moves) == set(CASES) and set(PLANS.moves) == {"adopt_plan"}


def test_adopt_plan(sup, outsider):
    plan, _ = _plan(sup, "report", adopt=False)
    for persona in sorted(set(PERSONAS) - {"presidium"}):
        with pytest.raises(PermissionDenied):
            services.plan_adopt(plan=plan, actor=_who(sup, persona, outsider), adopted_on=dt.date(2026, 1, 8))
    plan = services.plan_adopt(plan=plan, actor=sup.loop.presidium, adopted_on=dt.date(2026, 1, 8))
    assert (plan.status, plan.adopted_on) == ("adopted", dt.date(2026, 1, 8))
    assert plan.events.filter(action="adopt_plan").exists()
    with pytest.raises(TransitionError):
        services.plan_adopt(plan=plan, actor=sup.loop.presidium, adopted_on=dt.date(2026, 1, 9))


@pytest.mark.parametrize("action", sorted(CASES))
def test_item_move(sup, outsider, action):
    kind, after = CASES[action]
    _, (item,) = _plan(sup, kind)
    for persona in sorted(set(PERSONAS) - {"presidium"}):
        with pytest.raises(PermissionDenied):
            _call(action, sup, item, _who(sup, persona, outsider))
    item = _call(action, sup, item, sup.loop.presidium)
    assert item.status == after
    assert item.events.filter(action=action).exists()
    with pytest.raises(TransitionError):  # planned items only
        _call(action, sup, item, sup.loop.presidium)


def test_a_heard_report_keeps_the_opinions_and_the_deputies(sup, loop):
    from lianxin.core.events import DomainEvent, subscribe, unsubscribe
    from lianxin.supervision.events import PlanItemKind

    seen: list[DomainEvent] = []
    listener = subscribe(PlanItemKind.HEAR_REPORT)(seen.append)
    try:
        _, (item,) = _plan(sup, "report")
        item = _call("hear_report", sup, item, loop.presidium)
    finally:
        unsubscribe(listener)
    assert (item.opinions, item.done_on) == ("建议限期办结", dt.date(2026, 4, 24))
    assert seen[0].data["deputies"] == sorted([loop.deputy.deputy.pk, loop.other_deputy.deputy.pk])


def test_refusals_by_state_and_input(sup, loop):
    _, (report,) = _plan(sup, "report", adopt=False)
    with pytest.raises(TransitionError):  # the plan is not adopted yet
        _call("hear_report", sup, report, loop.presidium)
    with pytest.raises(ValidationError):  # one plan per town and year
        services.plan_draft(town=sup.town, actor=loop.presidium, year=2026, title="重复")
    with pytest.raises(ValidationError):  # nothing to adopt
        services.plan_adopt(
            plan=_plan(sup, year=2027, adopt=False)[0], actor=loop.presidium, adopted_on=dt.date(2027, 1, 5)
        )
    _, (report, inspection) = _plan(sup, "report", "inspection", year=2028)
    with pytest.raises(ValidationError):  # a report is done by hearing it
        _call("mark_done", sup, report, loop.presidium)
    with pytest.raises(ValidationError):
        services.plan_item_mark_done(
            item=inspection, actor=loop.presidium, done_on=dt.date(2028, 5, 1), outcome=" "
        )
    with pytest.raises(IntegrityError):
        SupervisionPlan.objects.create(town=sup.town, year=2026, title="重复")


def test_the_theme_item_is_done_when_its_theme_concludes(sup, loop):
    theme = sup.begun()
    plan, _ = _plan(sup, adopt=False)
    item = services.plan_add_item(
        plan=plan, actor=loop.presidium, kind="theme", subject=theme.title, month=6, theme=theme
    )
    services.plan_adopt(plan=plan, actor=loop.presidium, adopted_on=dt.date(2026, 1, 8))
    services.theme_finish(theme=theme, actor=loop.presidium, outcome="三天清运完毕", mechanism="联合巡查")
    item.refresh_from_db()
    assert (item.status, item.done_on, item.outcome) == ("done", theme.ends_on, "三天清运完毕")


def _hand_counted(sup: Any) -> SupervisionPlan:
    """theme: 1 done; report: 2 done, 1 dropped; inspection: 1 done, 1 dropped, 1 planned."""
    plan, items = _plan(sup, "theme", "report", "report", "report", "inspection", "inspection", "inspection")
    theme, r1, r2, r3, i1, i2, _i3 = items
    _call("mark_done", sup, theme, sup.loop.presidium)
    _call("hear_report", sup, r1, sup.loop.presidium)
    _call("hear_report", sup, r2, sup.loop.presidium)
    _call("drop_item", sup, r3, sup.loop.presidium)
    _call("mark_done", sup, i1, sup.loop.presidium)
    _call("drop_item", sup, i2, sup.loop.presidium)
    return plan


def test_progress_against_a_hand_counted_plan(sup, loop, client):
    plan = _hand_counted(sup)
    rows = {r.kind: (r.planned, r.done, r.dropped, r.share) for r in selectors.plan_progress(plan)}
    assert rows == {
        "theme": (0, 1, 0, 100),
        "report": (0, 2, 1, 100),
        "inspection": (1, 1, 1, 50),
        "all": (1, 4, 2, 80),
    }
    client.force_login(loop.other_deputy)
    page = client.get(f"/supervision/plans/{plan.pk}/").content.decode()
    assert '<tr data-kind="all" class="total">' in page and '<td data-n="share">80%</td>' in page
    home = client.get("/supervision/").content.decode()
    assert f'data-plan="{plan.pk}"' in home and '<td data-n="share">50%</td>' in home
    public = client.get(f"/supervision/public/{sup.town.code}/projects/").content.decode()
    assert 'data-figure="plan_done">4<' in public


def test_scope_outsiders_and_the_public(sup, loop, outsider, client):
    plan, (item,) = _plan(sup, "inspection", adopt=False)
    client.force_login(outsider)
    assert client.get(f"/supervision/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/supervision/plans/items/{item.pk}/").status_code == 404
    assert client.post(f"/supervision/plans/{plan.pk}/adopt_plan/", {}).status_code == 404
    client.logout()
    public = f"/supervision/public/{sup.town.code}/plan/"
    assert client.get(public).status_code == 404  # a draft is not published
    services.plan_adopt(plan=plan, actor=loop.presidium, adopted_on=dt.date(2026, 1, 8))
    page = client.get(public).content.decode()
    assert plan.title in page and "inspection-0" in page


def test_bad_input_is_a_400_with_the_input_kept(sup, loop, client):
    plan, (item,) = _plan(sup, "report")
    client.force_login(loop.presidium)
    url = f"/supervision/plans/items/{item.pk}/hear_report/"
    response = client.post(url, {"hear_report-heard_on": "2026-04-24", "hear_report-opinions": ""})
    assert response.status_code == 400
    assert 'value="2026-04-24"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == "planned"
    response = client.post(
        f"/supervision/plans/{plan.pk}/items/new/",
        {"kind": "report", "subject": "听取财政预算执行报告", "month": "13"},
    )
    assert response.status_code == 400 and "听取财政预算执行报告" in response.content.decode()
    response = client.post(
        f"/supervision/plans/{plan.pk}/items/new/",
        {"kind": "report", "subject": "听取财政预算执行报告", "month": "9", "planned_on": "2026-10-01"},
    )
    assert response.status_code == 400 and "听取财政预算执行报告" in response.content.decode()
    response = client.post(
        f"/supervision/plans/{plan.pk}/items/new/",
        {"kind": "report", "subject": "听取财政预算执行报告", "month": "9"},
    )
    assert response.status_code == 302 and plan.items.count() == 2


def test_the_demo_plan(demo_town, demo_user, client):
    from lianxin.core.models import Town

    town = Town.objects.order_by("pk").first()
    plan = SupervisionPlan.objects.get(town=town, year=2026)
    total = selectors.plan_progress(plan)[-1]
    assert (plan.status, total.done, total.dropped, total.planned) == ("adopted", 5, 1, 1)
    theme_item = plan.items.get(kind="theme")
    assert theme_item.theme is not None and theme_item.status == "done"
    assert plan.items.filter(kind="report", status="done").exclude(opinions="").count() == 2
    client.force_login(demo_user("presidium"))
    assert client.get(f"/supervision/plans/{plan.pk}/").status_code == 200
