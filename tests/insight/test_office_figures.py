"""Issue 26, point 9: the reports an office hands up. The monthly report adds disputes, projects, inquiries, duty
and warnings beside the demands; the presidium's annual work report (年度工作报告) is a page, a PDF with its Chinese
glyphs embedded, and a workbook; the headline figures (disputes resolved, petition risks removed, policy talks)
sit on the report and at the dashboard's top. Every figure is counted from records the test builds, in its
town only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.duty.kinds import Activity
from lianxin.duty.models import DutyEntry
from lianxin.insight import office, reports
from lianxin.insight.models import EarlyWarning, WarningKind, WarningStatus

from ..disputes.factories import Ledger
from ..supervision.factories import YEAR, Sup

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(db) -> Ledger:
    return Ledger.build()


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


def this_year() -> int:
    return timezone.localdate().year


def policy_talk(town, deputy, n: int = 1) -> None:
    for i in range(n):
        DutyEntry.objects.create(
            town=town,
            deputy=deputy,
            kind=Activity.POLICY_TALK,
            at=timezone.now(),
            source="test",
            source_id=i + 1,
        )


def test_the_dispute_and_duty_figures_come_from_the_records_of_the_town(ledger):
    towns = [ledger.town.pk]
    start, end = year_bounds(this_year())
    before = office.figures(towns, start, end, year=this_year())
    assert (before.disputes_received, before.disputes_resolved, before.petition_risks_removed) == (0, 0, 0)
    assert office.headline(towns).disputes_resolved == 0

    ledger.at("agreed")
    risky = ledger.at("mediating")
    ledger.do("session", risky, ledger.mediator)  # the deputy on the supervision seat: a duty entry
    ledger.do("flag_petition", risky, ledger.mediator)
    ledger.do("clear_petition", risky, ledger.mediator)
    ledger.registered()
    policy_talk(ledger.town, ledger.deputy, 2)

    after = office.figures(towns, start, end, year=this_year())
    assert (after.disputes_received, after.disputes_resolved, after.petition_risks_removed) == (3, 1, 1)
    assert after.policy_talks == 2 and after.duty_entries >= 3 and after.duty_deputies == 1
    assert dict(after.duty_by_kind)[str(Activity.POLICY_TALK.label)] == 2
    top = office.headline(towns)
    assert (top.disputes_resolved, top.petition_risks_removed, top.policy_talks) == (1, 1, 2)
    # another town counts nothing of it; last year counts nothing of it
    assert office.headline([ledger.outsider.town_id]) == office.Headline(0, 0, 0)
    last = office.figures(towns, *year_bounds(this_year() - 1), year=this_year() - 1)
    assert (last.disputes_received, last.policy_talks) == (0, 0)


def test_projects_inquiries_suggestions_and_warnings_are_counted(loop):
    sup = Sup(loop)
    towns = [loop.town.pk]
    start, end = year_bounds(YEAR)
    assert office.figures(towns, start, end, year=YEAR).projects_voted == 0
    sup.adopted(title="村道硬化")
    sup.completed(title="路灯安装")
    sup.held()
    sup.submitted()
    EarlyWarning.objects.create(
        town=loop.town, kind=WarningKind.RISING, title="路灯", key="k1",
        window_start=start, window_end=end, status=WarningStatus.OPEN,
    )  # fmt: skip
    EarlyWarning.objects.create(
        town=loop.town, kind=WarningKind.RISING, title="排水", key="k2",
        window_start=start, window_end=end, status=WarningStatus.TOPIC, topic_month=dt.date(YEAR, 12, 1),
    )  # fmt: skip
    o = office.figures(towns, start, end, year=YEAR)
    assert o.projects_voted == 2 and o.projects_completed == 1
    assert {p.title for p in o.projects} == {"村道硬化", "路灯安装"}
    assert o.inquiries_held == 1 and o.suggestions_submitted == 1
    assert (o.warnings_raised, o.warnings_acted) == (2, 1)


def pdf_text_and_fonts(data: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    embedded = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                embedded.append(str(target.get("/BaseFont")))
    return text, embedded


def test_the_annual_work_report_page_pdf_and_workbook(client, ledger):
    year = this_year()
    ledger.at("agreed")
    risky = ledger.at("mediating")
    ledger.do("flag_petition", risky, ledger.mediator)
    ledger.do("clear_petition", risky, ledger.mediator)
    policy_talk(ledger.town, ledger.deputy, 3)
    client.force_login(ledger.presidium)

    page = client.get(reverse("insight:annual"), {"year": year})
    html = page.content.decode()
    assert page.status_code == 200 and "年度工作报告" in html and ledger.town.name in html
    assert 'data-figure="disputes_received">受理纠纷<b>2</b>' in html
    assert 'data-figure="petition_risks_removed">消除信访隐患<b>1</b>' in html
    assert 'data-figure="policy_talks">政策宣讲<b>3</b>' in html
    assert client.get(reverse("insight:annual"), {"year": "abc"}).status_code == 404

    pdf = client.get(reverse("insight:annual_file", args=[year, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text, fonts = pdf_text_and_fonts(pdf.content)
    for words in ("年度工作报告", ledger.town.name, "化解纠纷", "消除信访隐患", "政策宣讲", "响应率"):
        assert words in text, words
    assert fonts and any("CJK" in f for f in fonts), fonts  # the Chinese glyphs travel with the file

    xlsx = client.get(reverse("insight:annual_file", args=[year, "xlsx"]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    sheet = wb["主席团工作"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["受理纠纷"] == 2 and values["化解纠纷"] == 1 and values["消除信访隐患"] == 1
    assert values["政策宣讲"] == 3

    # another town's presidium reads its own town's report: none of these figures
    client.force_login(ledger.outsider)
    html = client.get(reverse("insight:annual"), {"year": year}).content.decode()
    assert 'data-figure="disputes_received">受理纠纷<b>0</b>' in html


def test_the_monthly_report_carries_the_office_figures(ledger):
    ledger.at("agreed")
    risky = ledger.at("mediating")
    ledger.do("flag_petition", risky, ledger.mediator)
    ledger.do("clear_petition", risky, ledger.mediator)
    subject = reports.Subject(county=ledger.town.county, town=ledger.town, month=timezone.localdate())
    f = reports.figures(subject)
    assert f.office is not None and f.office.disputes_resolved == 1 and f.office.petition_risks_removed == 1
    pdf_bytes, xlsx_bytes = reports.make(subject, lambda _p: None)
    text, _fonts = pdf_text_and_fonts(pdf_bytes)
    assert "消除信访隐患" in text and "民生实事" in text and "问政活动" in text and "发出预警" in text
    values = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(xlsx_bytes))["主席团工作"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert values["化解纠纷"] == 1 and values["受理纠纷"] == 2


def test_the_dashboard_opens_on_the_headline(client, ledger):
    ledger.at("agreed")
    policy_talk(ledger.town, ledger.deputy, 4)
    client.force_login(ledger.presidium)
    html = client.get(reverse("insight:dashboard")).content.decode()
    top = html.index("data-headline")
    assert top < html.index("data-rate=")  # before the rates
    assert 'data-figure="disputes_resolved">化解纠纷<b>1</b>' in html
    assert 'data-figure="policy_talks">政策宣讲<b>4</b>' in html


@pytest.mark.slow
def test_the_demo_town_shows_the_cases_headline(client, demo_town):
    """The demo town reproduces the case's figures (DOMAIN.md: 50+ disputes resolved, 10+ petition risks
    removed, 30+ policy talks), and its presidium reads them at the dashboard's top."""
    from lianxin.core.models import Town

    town = Town.objects.get(name="城关镇")
    top = office.headline([town.pk])
    assert top.disputes_resolved >= 50 and top.petition_risks_removed >= 10 and top.policy_talks >= 30, top
