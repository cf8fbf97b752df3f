"""The risk rule (with its reasons), escalation both ways between the ledgers, the hearing proposal rule,
and the monthly analysis against a hand-counted dataset."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from lianxin.disputes import analysis, risk, services
from lianxin.disputes.models import DisputeDemand, Hearing, Kind, RiskRule, Status

from ..factories import CategoryFactory, DemandFactory, GridCellFactory

pytestmark = pytest.mark.django_db


# --- the risk rule ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "level", "points"),
    [
        (
            {"kind": "neighbours", "amount": 0, "parties": 2, "repeat_contacts": 0, "threats": False},
            "general",
            1,
        ),
        # land 3 + 60,000 yuan at 20,000 a point 3 = 6: major (from 5)
        ({"kind": "land", "amount": 60000, "parties": 2, "repeat_contacts": 0, "threats": False}, "major", 6),
        # the amount's points stop at 4
        (
            {"kind": "other", "amount": 10**7, "parties": 2, "repeat_contacts": 0, "threats": False},
            "general",
            4,
        ),
        # labour 2 + 3 parties beyond two 3 + 2 contacts 2 + threats 4 = 11: critical (from 9)
        (
            {"kind": "labour", "amount": 0, "parties": 5, "repeat_contacts": 2, "threats": True},
            "critical",
            11,
        ),
    ],
)
def test_the_default_rule_rates_by_points(facts, level, points):
    found = risk.assess(RiskRule(), **facts)
    assert (found.level, found.points) == (level, points)
    assert sum(r["points"] for r in found.reasons) == points


def test_the_reasons_are_shown_in_the_readers_language():
    found = risk.assess(RiskRule(), kind="land", amount=45000, parties=3, repeat_contacts=1, threats=True)
    with translation.override("zh-hans"):
        assert [risk.reason_text(r) for r in found.reasons] == [
            "类型：土地及宅基地纠纷 +3", "涉及金额：45,000元 +2", "当事人3方 +1", "重复来访1次 +1", "有过激言行 +4",
        ]  # fmt: skip


def test_the_petition_risk_flag_follows_repeated_contacts_or_threats():
    rule = RiskRule()
    calm = {"kind": "family", "amount": 0, "parties": 2}
    assert not risk.assess(rule, **calm, repeat_contacts=2, threats=False).petition_risk
    assert risk.assess(rule, **calm, repeat_contacts=3, threats=False).petition_risk
    assert risk.assess(rule, **calm, repeat_contacts=0, threats=True).petition_risk


def test_the_presidiums_rule_changes_the_rating_and_the_database_refuses_a_disordered_one(ledger):
    RiskRule.objects.create(town=ledger.town, kind_points={"neighbours": 5}, major_at=4, critical_at=5)
    dispute = ledger.registered(kind=Kind.NEIGHBOURS)
    assert (dispute.risk, dispute.risk_points) == ("critical", 5)
    assert dispute.risk_reasons == [{"fact": "kind", "points": 5, "value": "neighbours"}]
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskRule.objects.filter(town=ledger.town).update(critical_at=3)


def test_reassessing_with_new_facts_raises_the_level_and_flags_the_petition_risk(ledger):
    dispute = ledger.at(Status.MEDIATING)
    assert dispute.risk == "general" and not dispute.petition_risk
    services.dispute_reassess(
        dispute=dispute, actor=ledger.mediator, amount=0, repeat_contacts=4, threats=True
    )
    dispute.refresh_from_db()
    assert dispute.risk == "critical" and dispute.petition_risk
    last = dispute.events.last()
    assert last.action == "reassess" and "→" in last.note


# --- escalation both ways -------------------------------------------------------------------------------
def test_a_demand_turned_into_a_dispute_carries_its_text_place_and_requester(ledger):
    demand = DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, title="两户宅基地争议"
    )
    dispute = services.dispute_from_demand(demand=demand, actor=ledger.mediator, kind=Kind.LAND, parties=[])
    assert (dispute.source, dispute.summary, dispute.cell) == ("demand", "两户宅基地争议", ledger.cell)
    assert [p.name for p in dispute.parties.all()] == ["张三丰"]
    assert DisputeDemand.objects.get(dispute=dispute).direction == "origin"
    with pytest.raises(ValidationError):
        services.dispute_from_demand(demand=demand, actor=ledger.mediator, kind=Kind.LAND, parties=[])


def test_a_dispute_raises_a_demand_on_the_demand_ledger_through_its_service(ledger):
    dispute = ledger.at(Status.MEDIATING)
    demand = ledger.do("raise_demand", dispute, ledger.mediator)
    assert (
        demand.status == "recorded" and demand.cell == ledger.cell and demand.recorded_by == ledger.mediator
    )
    assert demand.events.get().action == "record"
    assert DisputeDemand.objects.get(demand=demand).direction == "raised"
    assert dispute.events.last().note == demand.code


def test_a_demand_of_another_town_is_not_turned_into_a_dispute(ledger):
    from django.core.exceptions import PermissionDenied

    foreign = DemandFactory()
    with pytest.raises(PermissionDenied):
        services.dispute_from_demand(demand=foreign, actor=ledger.mediator, kind=Kind.LAND, parties=[])


# --- the hearing proposal rule ------------------------------------------------------------------------------
def test_a_major_dispute_gets_one_hearing_proposed_and_a_general_one_none(ledger):
    calm = ledger.registered()
    assert not Hearing.objects.filter(dispute=calm).exists()
    hot = ledger.registered(kind=Kind.LAND, amount=60000)
    hearing = Hearing.objects.get(dispute=hot)
    assert hearing.status == "proposed" and hearing.basis == "dispute"
    assert hearing.events.get().action == "propose"
    services.dispute_reassess(
        dispute=hot, actor=ledger.mediator, amount=90000, repeat_contacts=0, threats=True
    )
    assert Hearing.objects.filter(dispute=hot).count() == 1
    services.dispute_reassess(dispute=calm, actor=ledger.mediator, amount=0, repeat_contacts=0, threats=True)
    assert Hearing.objects.filter(dispute=calm).count() == 1  # threats 4 + neighbours 1 = 5: major


def test_demands_on_one_subject_in_one_cell_past_the_threshold_propose_a_hearing(ledger):
    other_cell = GridCellFactory(town=ledger.town)
    other_subject = CategoryFactory(town=ledger.town)
    now = timezone.now()
    for i in range(4):
        DemandFactory(
            town=ledger.town,
            cell=ledger.cell,
            category=ledger.category,
            created_at=now - dt.timedelta(days=i),
        )
    DemandFactory(town=ledger.town, cell=other_cell, category=ledger.category, created_at=now)
    DemandFactory(town=ledger.town, cell=ledger.cell, category=other_subject, created_at=now)
    DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, created_at=now - dt.timedelta(days=40)
    )
    assert services.hearings_propose_for_demands(town=ledger.town, at=now) == []  # 4 in the window: below 5
    DemandFactory(town=ledger.town, cell=ledger.cell, category=ledger.category, created_at=now)
    made = services.hearings_propose_for_demands(town=ledger.town, at=now)
    assert [(h.cell, h.category, h.basis) for h in made] == [(ledger.cell, ledger.category, "demands")]
    assert "5" in made[0].reason
    assert services.hearings_propose_for_demands(town=ledger.town, at=now) == []  # once per window


# --- the monthly analysis ------------------------------------------------------------------------------------
def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def test_the_monthly_figures_match_a_hand_counted_dataset(ledger, outsider):
    """By hand: May 2026 in 东关村 — disputes on land: 3 (2 resolved), neighbours: 1 (0 resolved); earlier:
    land 1 in April, 2 in March, 0 in February; demands on 土地纠纷: 2 in May (1 done), 1 in April. Another
    town's dispute and a June dispute are not counted."""
    plan = [
        (dt.date(2026, 5, 3), Kind.LAND, Status.CLOSED),
        (dt.date(2026, 5, 14), Kind.LAND, Status.AGREED),
        (dt.date(2026, 5, 31), Kind.LAND, Status.MEDIATING),
        (dt.date(2026, 5, 20), Kind.NEIGHBOURS, Status.FAILED),
        (dt.date(2026, 4, 9), Kind.LAND, Status.CLOSED),
        (dt.date(2026, 3, 2), Kind.LAND, Status.REGISTERED),
        (dt.date(2026, 3, 30), Kind.LAND, Status.REGISTERED),
        (dt.date(2026, 6, 1), Kind.LAND, Status.REGISTERED),
    ]
    for day, kind, status in plan:
        with time_machine.travel(_at(day), tick=False):
            ledger.at(status, kind=kind)
    DemandFactory(
        town=ledger.town,
        cell=ledger.cell,
        category=ledger.category,
        created_at=_at(dt.date(2026, 5, 5)),
        status="closed",
        deputy=ledger.deputy,
    )
    DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, created_at=_at(dt.date(2026, 5, 6))
    )
    DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, created_at=_at(dt.date(2026, 4, 6))
    )
    with translation.override("zh-hans"):
        rows = analysis.monthly(user=ledger.presidium, month=dt.date(2026, 5, 1))
        found = [
            (r.ledger, r.cell, r.subject, r.counts, r.resolved, r.change, r.earlier_average, r.share_resolved)
            for r in rows
        ]
    assert found == [
        ("disputes", "东关村", "土地及宅基地纠纷", [0, 2, 1, 3], 2, 2, 1.0, 0.667),
        ("demands", "东关村", "土地纠纷", [0, 0, 1, 2], 1, 1, 0.3, 0.5),
        ("disputes", "东关村", "邻里纠纷", [0, 0, 0, 1], 0, 1, 0.0, 0.0),
    ]
    assert analysis.monthly(user=outsider, month=dt.date(2026, 5, 1)) == []
    county = analysis.monthly(user=ledger.county, month=dt.date(2026, 5, 1))
    assert [r.count for r in county] == [3, 2, 1]


def test_the_analysis_page_exports_and_refuses_a_bad_month(client, ledger):
    from io import BytesIO

    from openpyxl import load_workbook

    with time_machine.travel(_at(dt.date(2026, 5, 3)), tick=False):
        ledger.registered(kind=Kind.LAND)
    client.force_login(ledger.presidium)
    assert client.get("/disputes/analysis/", {"month": "2026-13"}).status_code == 400
    response = client.get("/disputes/analysis/", {"month": "2026-05", "format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:8] == [
        "台账",
        "乡镇",
        "网格",
        "事项",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert [c.value for c in sheet[2]][2:8] == ["东关村", "土地及宅基地纠纷", 0, 0, 0, 1]
    client.force_login(ledger.mediator)
    assert client.get("/disputes/analysis/").status_code == 403
