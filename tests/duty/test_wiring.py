"""The other workflows' events reach the duty record through the one table (duty/sources.py), once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from lianxin.core import clock
from lianxin.duty.models import DutyEntry
from lianxin.tracking import services as tracking

from ..supervision.factories import Sup

pytestmark = pytest.mark.django_db


def _kinds(user):
    return sorted(DutyEntry.objects.filter(deputy=user.deputy).values_list("kind", flat=True))


def test_ballots_reach_each_voting_deputy_once(loop):
    Sup(loop).adopted()
    assert _kinds(loop.deputy) == ["project_vote"]
    assert _kinds(loop.other_deputy) == ["project_vote"]


def test_an_inquiry_session_reaches_every_deputy_present(loop):
    Sup(loop).held()
    assert _kinds(loop.deputy).count("inquiry") == 1
    assert _kinds(loop.other_deputy).count("inquiry") == 1


def test_a_tracked_item_checked_by_its_supervising_deputy_is_supervision(loop):
    item = tracking.tracked_item_open(
        town=loop.town,
        origin="hearing",
        title="修复排水沟",
        due_at=clock.now() + dt.timedelta(days=5),
        department=loop.department,
        supervisor=loop.deputy.deputy,
        actor=loop.presidium,
    )
    assert _kinds(loop.deputy) == []  # being named supervisor is not yet work done
    tracking.tracked_item_report(item=item, actor=loop.staff, result="已修复")
    tracking.tracked_item_accept(item=item, actor=loop.deputy)
    assert _kinds(loop.deputy) == ["demand_supervised"]
    assert _kinds(loop.other_deputy) == []


def test_a_mediation_session_reaches_the_deputy_on_the_supervision_seat(db):
    from lianxin.disputes.models import Status

    from ..disputes.factories import Ledger

    ledger = Ledger.build()
    dispute = ledger.at(Status.MEDIATING)
    ledger.do("session", dispute, ledger.mediator)
    assert _kinds(ledger.deputy_user) == ["mediation"]
    assert _kinds(ledger.other_deputy_user) == []


def test_a_report_heard_reaches_every_deputy_present(loop):
    from lianxin.supervision import services as supervision

    presidium = loop.presidium
    plan = supervision.plan_draft(town=loop.town, actor=presidium, year=2026, title="2026年监督工作计划")
    item = supervision.plan_add_item(
        plan=plan, actor=presidium, kind="report", subject="听取教育工作报告", month=4,
        department=loop.department,
    )  # fmt: skip
    supervision.plan_adopt(plan=plan, actor=presidium, adopted_on=dt.date(2026, 1, 8))
    supervision.plan_item_hear_report(
        item=item, actor=presidium, heard_on=dt.date(2026, 4, 24), opinions="建议限期办结",
        deputies=[loop.deputy.deputy, loop.other_deputy.deputy],
    )  # fmt: skip
    assert _kinds(loop.deputy) == ["report_heard"]
    assert _kinds(loop.other_deputy) == ["report_heard"]
    entry = DutyEntry.objects.get(deputy=loop.deputy.deputy)
    assert entry.source == "supervision.planitemevent"
    with translation.override("en"):
        assert entry.get_kind_display() == "report heard and deliberated"
    with translation.override("zh-hans"):
        assert entry.get_kind_display() == "听取审议报告"
