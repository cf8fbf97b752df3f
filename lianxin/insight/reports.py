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


def month_period(month: dt.date) -> selectors.Period:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return selectors.Period(start, end)


def figures(report: Subject) -> Figures:
    towns = (
        [report.town_id]
        if report.town_id
        else list(Town.objects.filter(county_id=report.county_id).values_list("pk", flat=True))
    )
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
    return Figures(title, d, trend)


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
