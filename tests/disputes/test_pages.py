"""The dispute pages: scope (404 outside), masking, bad input kept (400), the moves' answers, the PDF, Excel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.disputes.models import Dispute, DisputeDemand, RiskRule, Status

from ..factories import DemandFactory

pytestmark = pytest.mark.django_db


def test_a_walk_in_is_registered_from_the_page_and_bad_input_is_kept(client, ledger):
    client.force_login(ledger.mediator)
    url = reverse("disputes:register")
    bad = client.post(url, {"kind": "land", "source": "walk_in", "summary": "宅基地边界争议", "amount": "-5",
                            "repeat_contacts": "0", "description": "两家争地", "applicant_name": "赵大"})  # fmt: skip
    assert bad.status_code == 400
    assert "宅基地边界争议" in bad.content.decode()
    good = client.post(url, {"kind": "land", "source": "walk_in", "summary": "宅基地边界争议", "amount": "30000",
                             "repeat_contacts": "0", "description": "两家争地", "applicant_name": "赵大",
                             "applicant_phone": "13700001111", "respondent_name": "钱二",
                             "station": ledger.station.pk})  # fmt: skip
    dispute = Dispute.objects.get(summary="宅基地边界争议")
    assert good.status_code == 302 and good["Location"] == reverse("disputes:detail", args=[dispute.code])
    assert dispute.cell == ledger.cell and dispute.parties.count() == 2


@pytest.mark.parametrize("who", ["citizen", "staff"])
def test_who_may_not_register_is_refused(client, ledger, who):
    client.force_login(getattr(ledger, who))
    assert client.get(reverse("disputes:register")).status_code == 403


@pytest.mark.parametrize("who", ["mediator", "presidium"])
def test_parties_are_masked_for_every_reader_until_revealed(client, ledger, who):
    from lianxin.audit.models import AuditEntry

    dispute = ledger.at(Status.MEDIATING)  # the mediator's own
    url = reverse("disputes:detail", args=[dispute.code])
    client.force_login(getattr(ledger, who))
    page = client.get(url).content.decode()
    assert "张**" in page and "138****5678" in page and "410724********1234" in page
    assert "张建国" not in page and "13812345678" not in page
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    reveal = reverse("disputes:reveal", args=[dispute.code])
    blank = client.post(reveal, {"reason": "  "})
    assert blank.status_code == 400 and "张建国" not in blank.content.decode()
    shown = client.post(reveal, {"reason": "电话通知调解时间"}).content.decode()
    assert "张建国" in shown and "13812345678" in shown
    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.object_id, entry.reason) == (
        getattr(ledger, who).pk,
        str(dispute.pk),
        "电话通知调解时间",
    )
    assert "张建国" not in client.get(url).content.decode(), "shown once, not kept"


def test_another_mediator_may_not_reveal_the_parties(client, ledger):
    dispute = ledger.at(Status.MEDIATING)
    client.force_login(ledger.other_mediator)
    answer = client.post(reverse("disputes:reveal", args=[dispute.code]), {"reason": "看看"})
    assert answer.status_code in (403, 404) and "张建国" not in answer.content.decode()


def test_a_dispute_outside_the_scope_is_a_404(client, ledger):
    dispute = ledger.registered()  # in 东关村: the other deputy serves no cell there and sat on no seat
    for user in (ledger.outsider, ledger.other_deputy_user, ledger.citizen):
        client.force_login(user)
        assert client.get(reverse("disputes:detail", args=[dispute.code])).status_code == 404
    client.force_login(ledger.deputy_user)
    assert client.get(reverse("disputes:detail", args=[dispute.code])).status_code == 200
    client.force_login(ledger.county)
    assert client.get(reverse("disputes:detail", args=[dispute.code])).status_code == 200


def test_a_deputy_on_the_supervision_seat_reads_the_dispute_outside_their_cells(client, ledger):
    from lianxin.disputes import services

    dispute = ledger.at(Status.MEDIATING)
    other = ledger.other_deputy_user.deputy
    services.session_record(dispute=dispute, actor=ledger.mediator, held_at=dispute.created_at, place="调解室",
                            minutes="调解", outcome="continue", supervisor=other)  # fmt: skip
    client.force_login(ledger.other_deputy_user)
    assert client.get(reverse("disputes:detail", args=[dispute.code])).status_code == 200
    assert dispute.code in client.get(reverse("disputes:index")).content.decode()


def test_a_move_from_the_page_refused_conflicting_and_bad_input(client, ledger):
    dispute = ledger.at(Status.MEDIATING)
    client.force_login(ledger.deputy_user)
    assert (
        client.post(reverse("disputes:act", args=[dispute.code, "fail"]), {"fail-reason": "x"}).status_code
        == 403
    )
    client.force_login(ledger.mediator)
    bad = client.post(reverse("disputes:act", args=[dispute.code, "agree"]), {"agree-terms": "赔偿五千元"})
    assert bad.status_code == 400 and "赔偿五千元" in bad.content.decode()
    assert client.post(reverse("disputes:act", args=[dispute.code, "accept"]), {}).status_code == 409
    ok = client.post(reverse("disputes:act", args=[dispute.code, "fail"]), {"fail-reason": "双方分歧大"})
    assert ok.status_code == 302
    client.force_login(ledger.presidium)
    conflict = client.post(reverse("disputes:act", args=[dispute.code, "fail"]), {"fail-reason": "再次"})
    assert conflict.status_code == 409


def test_the_agreement_pdf_carries_its_chinese_text(client, ledger):
    dispute = ledger.at(Status.AGREED)
    client.force_login(ledger.presidium)
    response = client.get(reverse("disputes:agreement", args=[dispute.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "人民调解协议书" in text
    assert "李家清理排水沟" in text
    assert "张**" in text and "张建国" not in text  # the presidium's GET prints the parties masked
    from lianxin.audit.models import AuditEntry

    signed = client.post(reverse("disputes:agreement", args=[dispute.code]), {"reason": "当事人签字"})
    assert signed.status_code == 200 and signed["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(signed.content)).pages)
    assert "张建国" in text, "the copy the parties sign carries their names"
    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.action, entry.reason) == (
        ledger.presidium.pk,
        "agreement_printed",
        "当事人签字",
    )


def test_both_ledgers_export_side_by_side_in_one_workbook(client, ledger):
    ledger.registered()
    DemandFactory(town=ledger.town, cell=ledger.cell, category=ledger.category, title="路灯不亮")
    client.force_login(ledger.presidium)
    page = client.get(reverse("disputes:ledgers"))
    assert page.status_code == 200 and "路灯不亮" in page.content.decode()
    response = client.get(reverse("disputes:ledgers"), {"format": "xlsx", "cell": ledger.cell.pk})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["民意诉求台账", "矛盾纠纷台账"]
    demands, disputes = book.worksheets
    assert [c.value for c in disputes[1]][:5] == ["序号", "登记编号", "登记日期", "来源", "当事人（脱敏）"]
    assert disputes.max_row == 2 and disputes.cell(2, 5).value == "张**、李**"
    assert demands.max_row == 2


def test_the_ledgers_workbook_writes_typed_text_never_as_a_formula(client, ledger):
    """Issue 23, item 5: the ledgers go through the one workbook writer, which escapes what people typed."""
    formula = '=HYPERLINK("http://x","y")'
    ledger.registered(summary=formula, description="")
    DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, title="@SUM(1)", description=""
    )
    client.force_login(ledger.presidium)
    response = client.get(reverse("disputes:ledgers"), {"format": "xlsx", "cell": ledger.cell.pk})
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    shown = {c.value for c in cells}
    assert {"'" + formula, "'@SUM(1)"} <= shown


def test_the_demand_page_turns_a_demand_into_a_dispute_and_each_page_shows_the_other(client, ledger):
    demand = DemandFactory(
        town=ledger.town, cell=ledger.cell, category=ledger.category, recorded_by=ledger.mediator
    )
    client.force_login(ledger.mediator)
    page = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert reverse("disputes:from_demand", args=[demand.code]) in page
    response = client.post(
        reverse("disputes:from_demand", args=[demand.code]), {"kind": "neighbours", "amount": "0"}
    )
    link = DisputeDemand.objects.get(demand=demand)
    assert link.direction == "origin" and response["Location"] == reverse(
        "disputes:detail", args=[link.dispute.code]
    )
    assert link.dispute.source == "demand" and link.dispute.cell == ledger.cell
    assert demand.code in client.get(response["Location"]).content.decode()
    assert link.dispute.code in client.get(reverse("demands:detail", args=[demand.code])).content.decode()


def test_the_presidium_tunes_the_risk_rule_and_bad_thresholds_are_refused(client, ledger):
    client.force_login(ledger.presidium)
    url = reverse("disputes:risk_rule")
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(major_at=6, critical_at=5)
    bad = client.post(url, data)
    assert bad.status_code == 400 and not RiskRule.objects.filter(town=ledger.town).exists()
    data.update(major_at=3, critical_at=7, kind_land=9)
    assert client.post(url, data).status_code == 302
    rule = RiskRule.objects.get(town=ledger.town)
    assert rule.major_at == 3 and rule.kind_points["land"] == 9
    client.force_login(ledger.mediator)
    assert client.get(url).status_code == 403


def test_the_ledger_page_shows_each_role_its_desk(client, ledger):
    dispute = ledger.at(Status.MEDIATING, threats=True)
    ledger.do("session", dispute, ledger.mediator)
    client.force_login(ledger.mediator)
    page = client.get(reverse("disputes:index")).content.decode()
    assert 'data-section="today"' in page and dispute.code in page
    client.force_login(ledger.deputy_user)
    assert 'data-section="seats"' in client.get(reverse("disputes:index")).content.decode()
    client.force_login(ledger.presidium)
    assert 'data-section="risks"' in client.get(reverse("disputes:index")).content.decode()


def test_the_mediator_filters_the_ledger_to_their_own(client, ledger):
    from lianxin.disputes import services

    mine = ledger.at(Status.ACCEPTED)
    other = ledger.registered(summary="另一起纠纷")
    services.dispute_accept(dispute=other, actor=ledger.other_mediator)
    client.force_login(ledger.mediator)
    page = client.get(reverse("disputes:index"), {"mine": "true"})
    assert [d.code for d in page.context["page"].object_list] == [mine.code]


def _opened_on(response):
    """The workbook as the person opens it: its sheets in order, and the one it opens on (the active one)."""
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return book.sheetnames, book.active.title, book


def test_the_dispute_page_export_opens_on_the_dispute_ledger_and_the_demands_follow(client, ledger):
    """Issue 26, item 5: the disputes page exported a workbook opening on an empty 民意诉求台账."""
    ledger.registered()
    DemandFactory(town=ledger.town, cell=ledger.cell, category=ledger.category, title="路灯不亮")
    client.force_login(ledger.presidium)
    names, active, book = _opened_on(client.get(reverse("disputes:index"), {"format": "xlsx"}))
    assert names == ["矛盾纠纷台账", "民意诉求台账"] and active == "矛盾纠纷台账"
    assert book["矛盾纠纷台账"].max_row == 2 and book["矛盾纠纷台账"].cell(2, 5).value == "张**、李**"
    assert book["民意诉求台账"].max_row == 2  # the other ledger follows, with its rows


@pytest.mark.parametrize(
    "first, sheets",
    [("demands", ["民意诉求台账", "矛盾纠纷台账"]), ("disputes", ["矛盾纠纷台账", "民意诉求台账"])],
)
def test_each_ledger_export_button_puts_its_own_sheet_first(client, ledger, first, sheets):
    ledger.registered()
    DemandFactory(town=ledger.town, cell=ledger.cell, category=ledger.category, title="路灯不亮")
    client.force_login(ledger.presidium)
    page = client.get(reverse("disputes:ledgers")).content.decode()
    assert f"first={first}" in page  # each ledger's own button on the page
    names, active, _book = _opened_on(
        client.get(reverse("disputes:ledgers"), {"format": "xlsx", "first": first})
    )
    assert names == sheets and active == sheets[0]


def test_the_demands_page_exports_both_ledgers_with_the_demand_ledger_first(client, ledger):
    ledger.registered()
    DemandFactory(town=ledger.town, cell=ledger.cell, category=ledger.category, title="路灯不亮")
    client.force_login(ledger.presidium)
    page = client.get(reverse("demands:list", args=["problem"])).content.decode()
    link = f"{reverse('disputes:ledgers')}?format=xlsx&amp;first=demands"
    assert link in page
    names, active, _book = _opened_on(client.get(link.replace("&amp;", "&")))
    assert names == ["民意诉求台账", "矛盾纠纷台账"] and active == "民意诉求台账"
