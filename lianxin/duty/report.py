"""The annual duty report (述职报告) as a PDF: WeasyPrint renders the report template with Noto CJK, so the
Chinese text is embedded and can be extracted (searched, copied, read aloud)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from lianxin.core import clock
from lianxin.people.models import Deputy

from . import selectors


def report_context(*, user: Any, deputy: Deputy, year: int) -> dict[str, Any]:
    record = selectors.deputy_record(user=user, deputy=deputy, year=year, entries=0)
    return {
        "deputy": deputy,
        "year": year,
        "record": record,
        "demands_done": selectors.demands_done(record),
        "own_text": selectors.report_text(deputy=deputy, year=year),
        "highlights": [d for d in record.demands if d.outcome][:8],
        "generated": timezone.localtime(clock.now()),
    }


def report_pdf(*, user: Any, deputy: Deputy, year: int) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a moment, and only this needs it

    html = render_to_string("duty/report_pdf.html", report_context(user=user, deputy=deputy, year=year))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
