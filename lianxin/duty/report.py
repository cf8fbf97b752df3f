"""The annual duty report (述职报告) as a PDF, through the one PDF helper (``core/pdf.py``: Noto CJK embedded, so
the Chinese text can be extracted, searched, copied, read aloud; nothing fetched from outside)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lianxin.core import clock
from lianxin.core.pdf import render_pdf
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
    return render_pdf("duty/report_pdf.html", report_context(user=user, deputy=deputy, year=year))
