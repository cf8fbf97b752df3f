"""The monthly report of a town or a county: a PDF (WeasyPrint, Noto CJK embedded) and an Excel workbook.

Made by the worker as a job of the job app (``services.report_write``), its progress written as it goes:

1. the figures: the dashboard's selectors for the month, read as the worker (every case) cut to the
   report's towns, and the twelve months to the report's month for the trend;
2. the PDF: ``insight/report.html`` (charts are plain SVG drawn by the template) through ``core/pdf.py``;
3. the workbook: one sheet of rates with their definitions, one per breakdown, one of towns for a county.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from lianxin.accounts.principals import WORKER
from lianxin.core.models import County, Town
from lianxin.core.pdf import render_pdf

from . import office as office_figures
from . import selectors


@dataclass
class Subject:
    """What a report is of: a town's month, or a county's (``town`` None)."""

    county: County
    town: Town | None
    month: dt.date

    @property
    def town_id(self) -> int | None:
        return self.town.pk if self.town else None

    @property
    def county_id(self) -> int:
        return self.county.pk

    @property
    def place(self) -> str:
        return self.town.name if self.town else self.county.name


@dataclass
class Figures:
    title: str
    d: selectors.Dashboard
    trend: list[selectors.Row]
    office: office_figures.Office | None = None
    headline: office_figures.Headline | None = None


def month_period(month: dt.date) -> selectors.Period:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return selectors.Period(start, end)


def report_towns(report: Subject) -> list[int]:
    if report.town_id:
        return [report.town_id]
    return list(Town.objects.filter(county_id=report.county_id).values_list("pk", flat=True))


def figures(report: Subject) -> Figures:
    towns = report_towns(report)
    period = month_period(report.month)
    d = selectors.dashboard(user=WORKER, period=period, county=report.town_id is None, towns=towns)
    year_start = report.month.replace(day=1)
    for _i in range(11):
        year_start = (year_start - dt.timedelta(days=1)).replace(day=1)
    trend = selectors.breakdown(
        selectors.cohort(WORKER, selectors.Period(year_start, period.end), towns), "month", at=d.at
    )
    title = _("%(place)s · monthly report of %(month)s") % {
        "place": report.place,
        "month": f"{report.month:%Y-%m}",
    }
    office = office_figures.figures(towns, period.start_at, period.end_at, year=report.month.year)
    return Figures(title, d, trend, office=office)


def annual(report: Subject, year: int) -> Figures:
    """The presidium's annual work report (年度工作报告) of ``year``: the year's demands and their outcome,
    month by month, and the office's figures of the year (disputes, projects voted and completed, inquiries,
    suggestions upward, the deputies' duty, warnings acted on), with the headline since the records begin."""
    towns = report_towns(report)
    period = selectors.Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    d = selectors.dashboard(user=WORKER, period=period, county=report.town_id is None, towns=towns)
    trend = selectors.breakdown(selectors.cohort(WORKER, period, towns), "month", at=d.at)
    title = _("%(place)s · annual work report of %(year)s") % {"place": report.place, "year": year}
    return Figures(
        title,
        d,
        trend,
        office=office_figures.figures(towns, period.start_at, period.end_at, year=year),
        headline=office_figures.headline(towns),
    )


def bars(rows: list[selectors.Row], *, limit: int = 10, width: int = 460) -> dict[str, Any]:
    """Horizontal bars as SVG geometry: label, value, bar length."""
    rows = [r for r in rows if r.received][:limit]
    top = max((r.received for r in rows), default=0) or 1
    return {
        "height": 22 * len(rows) + 8,
        "width": width + 160,
        "rows": [
            {"label": r.label, "n": r.received, "y": 22 * i + 4, "w": round(width * r.received / top)}
            for i, r in enumerate(rows)
        ],
    }


def columns(rows: list[selectors.Row], *, height: int = 140) -> dict[str, Any]:
    """Monthly columns (received, and completed as a darker inner column) as SVG geometry."""
    top = max((r.received for r in rows), default=0) or 1
    step = 46
    out = []
    for i, r in enumerate(rows):
        h = round(height * r.received / top)
        c = round(height * r.completed / top)
        out.append(
            {
                "label": r.label[2:],
                "n": r.received,
                "x": 30 + i * step,
                "h": h,
                "y": height + 10 - h,
                "ch": c,
                "cy": height + 10 - c,
            }
        )
    return {"width": 40 + step * max(len(rows), 1), "height": height + 40, "base": height + 10, "rows": out}


def pdf(report: Subject, f: Figures) -> bytes:
    return render_pdf(
        "insight/report.html",
        {
            "report": report,
            "title": f.title,
            "d": f.d,
            "trend": columns(f.trend),
            "by_category": bars(f.d.breakdowns["category"]),
            "by_cell": bars(f.d.breakdowns["cell"]),
            "office": f.office,
            "headline": f.headline,
            "breakdowns": [
                (heading, f.d.breakdowns[name])
                for name, (_k, _l, heading) in selectors.BREAKDOWNS.items()
                if name != "month"
            ],
        },
    )


def workbook(report: Subject, f: Figures) -> bytes:
    """The figures as sheets of the one workbook writer (``exports.writer.Book``): category, cell, department
    and town names are what people typed, so they go in as text, never as formulas."""
    from lianxin.exports.writer import Book

    book = Book()
    rates = book.sheet(_("Rates"))
    rates.append([f.title], bold=True, size=14)
    rates.append([])
    rates.append([_("Rate"), _("Value (%)"), _("Numerator"), _("Denominator"), _("Definition")])
    r = f.d.rates
    defs = f.d.rate_defs
    for key, value, num, den in [
        ("response", r.response, r.responded, r.in_loop),
        ("resolution", r.resolution, r.resolved, r.completed),
        ("satisfaction", r.satisfaction, r.satisfied, r.evaluations),
        ("on_time", r.on_time_rate, r.on_time, r.on_time + r.late),
    ]:
        rates.append([str(defs[key].label), value, num, den, defs[key].definition])
    rates.append([])
    for key, label in [
        ("problem", _("Problem list")),
        ("assignment", _("Assignment list")),
        ("completion", _("Completion list")),
        ("overdue", _("Overdue")),
    ]:
        rates.append([label, f.d.lists[key]])
    header = [
        _("Name"),
        _("received"),
        _("completed"),
        _("resolved"),
        _("overdue"),
        _("Response rate"),
        _("Resolution rate"),
    ]
    for name, (_k, _l, heading) in selectors.BREAKDOWNS.items():
        rows = f.trend if name == "month" else f.d.breakdowns[name]
        book.table(
            heading,
            headers=header,
            batches=[
                [
                    [
                        row.label,
                        row.received,
                        row.completed,
                        row.resolved,
                        row.overdue,
                        row.response,
                        row.resolution,
                    ]
                    for row in rows
                ]
            ],
        )
    if f.office is not None:
        office_sheet(book, f)
    book.table(
        _("Departments"),
        headers=[_("Department"), _("assignments"), _("on time"), _("late"), str(defs["on_time"].label)],
        batches=[[[d["label"], d["total"], d["on_time"], d["late"], d["rate"]] for d in f.d.departments]],
    )
    if f.d.towns:
        book.table(
            _("Towns"),
            headers=[
                _("Town"),
                _("received"),
                *(str(defs[k].label) for k in ("response", "resolution", "satisfaction", "on_time")),
            ],
            batches=[
                [
                    [
                        name,
                        rates_.received,
                        rates_.response,
                        rates_.resolution,
                        rates_.satisfaction,
                        rates_.on_time_rate,
                    ]
                    for name, rates_ in f.d.towns
                ]
            ],
        )
    return book.to_bytes()


def office_sheet(book: Any, f: Figures) -> None:
    """The office's figures as one sheet: each figure on its line, then the projects and the duty by kind."""
    o = f.office
    assert o is not None
    sheet = book.sheet(_("Office work"))
    sheet.append([f.title], bold=True, size=14)
    sheet.append([])
    sheet.append([_("Figure"), _("Value")], bold=True)
    rows: list[tuple[Any, Any]] = [
        (_("disputes received"), o.disputes_received),
        (_("disputes resolved"), o.disputes_resolved),
        (_("petition risks removed"), o.petition_risks_removed),
        (_("projects voted"), o.projects_voted),
        (_("projects completed"), o.projects_completed),
        (_("mean progress"), o.projects_progress),
        (_("inquiry sessions held"), o.inquiries_held),
        (_("suggestions submitted upward"), o.suggestions_submitted),
        (_("duty records"), o.duty_entries),
        (_("deputies on record"), o.duty_deputies),
        (_("policy talks held"), o.policy_talks),
        (_("warnings raised"), o.warnings_raised),
        (_("warnings acted on"), o.warnings_acted),
    ]
    if f.headline is not None:
        rows += [
            (_("disputes resolved, since the records begin"), f.headline.disputes_resolved),
            (_("petition risks removed, since the records begin"), f.headline.petition_risks_removed),
            (_("policy talks held, since the records begin"), f.headline.policy_talks),
        ]
    for label, value in rows:
        sheet.append([str(label), value])
    sheet.append([])
    sheet.append([_("Project"), _("status"), _("progress (%)")], bold=True)
    for p in o.projects:
        sheet.append([p.title, p.status, p.progress])
    sheet.append([])
    sheet.append([_("activity"), _("records")], bold=True)
    for label, n in o.duty_by_kind:
        sheet.append([label, n])


def make(report: Subject, progress: Any) -> tuple[bytes, bytes]:
    """The two files, in Chinese (the report is read and printed in the town)."""
    with translation.override("zh-hans"):
        f = figures(report)
        progress(30)
        pdf_bytes = pdf(report, f)
        progress(80)
        xlsx_bytes = workbook(report, f)
        progress(95)
    return pdf_bytes, xlsx_bytes
