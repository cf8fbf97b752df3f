"""The three lists as the Excel sheet a town office prints. Names are masked for everyone: paper travels.

The columns and their values come from ``DemandSheet`` (django-import-export); the workbook is written with
openpyxl so that it prints well: the list's name on the tab, a frozen bold header, widths that fit Chinese
text, 序号 as a number and times as dates (local time), and only text cells escaped against formulas.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lianxin.core.masking import mask_name

from . import selectors
from .models import Demand, Verdict

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DemandSheet(resources.Resource):
    """序号、编号、登记时间、来源渠道、诉求人(脱敏)、所属网格、问题内容、接单代表、交办部门、办理事项、办理标准、
    完成时限、办理结果、满意度、状态 — in this order."""

    seq = fields.Field(column_name=_("No."))
    code = fields.Field(column_name=_("Tracking code"))
    created = fields.Field(column_name=_("Recorded at"))
    channel = fields.Field(column_name=_("Channel"))
    requester = fields.Field(column_name=_("Requester (masked)"))
    cell = fields.Field(column_name=_("Grid cell of the demand"))
    content = fields.Field(column_name=_("Problem"))
    deputy = fields.Field(column_name=_("Claiming deputy"))
    department = fields.Field(column_name=_("Assigned department"))
    matter = fields.Field(column_name=_("Matter to handle"))
    standard = fields.Field(column_name=_("Standard of completion"))
    due_at = fields.Field(column_name=_("Time limit"))
    result = fields.Field(column_name=_("Result"))
    satisfaction = fields.Field(column_name=_("Satisfaction"))
    status = fields.Field(column_name=_("Status"))

    class Meta:
        model = Demand
        fields = (
            "seq",
            "code",
            "created",
            "channel",
            "requester",
            "cell",
            "content",
            "deputy",
            "department",
            "matter",
            "standard",
            "due_at",
            "result",
            "satisfaction",
            "status",
        )
        export_order = fields

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seq = 0

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        # column names are lazy translations: render them in the language of the request
        return [str(h) for h in super().get_export_headers(selected_fields=selected_fields)]

    def dehydrate_seq(self, demand: Demand) -> int:
        self._seq += 1
        return self._seq

    def dehydrate_code(self, demand: Demand) -> str:
        return demand.code

    def dehydrate_created(self, demand: Demand) -> dt.datetime:
        return _local(demand.created_at)

    def dehydrate_channel(self, demand: Demand) -> str:
        return str(demand.get_channel_display())

    def dehydrate_requester(self, demand: Demand) -> str:
        return mask_name(demand.requester_name)

    def dehydrate_cell(self, demand: Demand) -> str:
        return demand.cell.name if demand.cell else ""

    def dehydrate_content(self, demand: Demand) -> str:
        return f"{demand.title}\n{demand.description}".strip()

    def dehydrate_deputy(self, demand: Demand) -> str:
        return demand.deputy.name if demand.deputy else ""

    def dehydrate_department(self, demand: Demand) -> str:
        a = selectors.assignment_of(demand)
        return str(a.department) if a else ""

    def dehydrate_matter(self, demand: Demand) -> str:
        a = selectors.assignment_of(demand)
        return a.matter if a else ""

    def dehydrate_standard(self, demand: Demand) -> str:
        a = selectors.assignment_of(demand)
        return a.standard if a else ""

    def dehydrate_due_at(self, demand: Demand) -> dt.datetime | None:
        a = selectors.assignment_of(demand)
        return _local(a.due_at) if a else None

    def dehydrate_result(self, demand: Demand) -> str:
        a = selectors.assignment_of(demand)
        if not a or not a.result:
            return ""
        outcome = demand.get_outcome_display() if demand.outcome else ""
        return f"{a.result}（{outcome}）" if outcome else a.result

    def dehydrate_satisfaction(self, demand: Demand) -> str:
        verdict = selectors.citizen_verdict(demand)
        return str(Verdict(verdict.verdict).label) if verdict else ""

    def dehydrate_status(self, demand: Demand) -> str:
        return str(demand.get_status_display())


def _local(moment: dt.datetime) -> dt.datetime:
    """Excel has no time zones: the town's wall-clock time (Asia/Shanghai), without tzinfo."""
    return timezone.localtime(moment).replace(tzinfo=None)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDE = {"W", "F"}  # East Asian wide and full-width characters take two columns


def _text(value: str) -> str:
    """A user's text, safe in a cell: no control characters, and no formula (a leading quote, as Excel's own
    "text" marker, keeps ``=HYPERLINK(…)`` readable and inert)."""
    value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    lines = str(value if value is not None else "").splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in WIDE else 1 for ch in line) for line in lines)


def demands_xlsx(queryset: QuerySet[Demand], *, title: Any = "") -> bytes:
    """The rows of ``queryset`` (already scoped and filtered) as an .xlsx file; ``title`` names the sheet."""
    dataset = DemandSheet().export(queryset=queryset)
    book = Workbook()
    sheet = book.active
    sheet.title = (SHEET_NAME_FORBIDDEN.sub(" ", str(title or _("Demands"))).strip() or "Sheet")[:31]
    sheet.append(list(dataset.headers))
    for row in dataset:
        sheet.append([_text(v) if isinstance(v, str) else (v if v != "" else None) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"  # the header stays on screen, and prints on every page
    sheet.print_title_rows = "1:1"
    for index, column in enumerate(sheet.iter_cols(), start=1):
        widest = max(_width(c.value) for c in column)
        sheet.column_dimensions[get_column_letter(index)].width = max(6, min(widest + 2, 40))
        for cell in column[1:]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, str):
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
