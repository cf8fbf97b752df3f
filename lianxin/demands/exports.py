"""The three lists as the Excel sheet a town office prints. Names are masked for everyone: paper travels."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.formats.base_formats import XLSX

from lianxin.core.masking import mask_name

from . import selectors
from .models import Demand, Verdict

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DemandSheet(resources.Resource):
    """序号、来源渠道、诉求人(脱敏)、所属网格、问题内容、接单代表、交办部门、办理事项、办理标准、完成时限、
    办理结果、满意度、状态 — in this order."""

    seq = fields.Field(column_name=_("No."))
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

    def dehydrate_due_at(self, demand: Demand) -> str:
        a = selectors.assignment_of(demand)
        return selectors.local_date(a.due_at) if a else ""

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


def demands_xlsx(queryset: QuerySet[Demand]) -> bytes:
    """The rows of ``queryset`` (already scoped and filtered) as an .xlsx file."""
    dataset = DemandSheet().export(queryset=queryset)
    data: bytes = XLSX().export_data(dataset)
    return data
