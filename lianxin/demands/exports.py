"""The three lists as the Excel sheet a town office prints, and a year of demands (the county's: every town).
Names are masked for everyone: paper travels.

The columns and their values come from ``DemandSheet`` (django-import-export); the rows are read in keyset
batches with what they show joined in one query per batch (``prepare``), and written by
``lianxin.exports.writer`` so that the sheet prints well: the list's name on the tab, a frozen bold header,
widths that fit Chinese text, 序号 as a number and times as dates (local time), only text escaped against
formulas. Both are registered exports (``EXPORTS``): a long one is a worker job with a progress page.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from lianxin.accounts.roles import Capability
from lianxin.core.masking import mask_name
from lianxin.exports import services as export_services
from lianxin.exports.registry import Export, register
from lianxin.exports.writer import XLSX_CONTENT_TYPE
from lianxin.people.acting import acting_scope

from . import selectors
from .models import Channel, Demand, Evaluation, EvaluatorRole, Outcome, Verdict
from .states import Status

__all__ = ["XLSX_CONTENT_TYPE", "DemandSheet", "YearSheet", "demands_xlsx", "prepare"]


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
        self._labels: dict[tuple[type, str], str] = {}

    def _label(self, choices: Any, value: str) -> str:
        """A choice's label in the active language, translated once per sheet rather than once per row."""
        key = (choices, value)
        if key not in self._labels:
            self._labels[key] = str(choices(value).label) if value in choices.values else value
        return self._labels[key]

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
        return self._label(Channel, demand.channel)

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
        outcome = self._label(Outcome, demand.outcome) if demand.outcome else ""
        return f"{a.result}（{outcome}）" if outcome else a.result

    def dehydrate_satisfaction(self, demand: Demand) -> str:
        if hasattr(demand, "citizen_verdict"):  # annotated by ``prepare``: no query per row
            value = demand.citizen_verdict
        else:
            verdict = selectors.citizen_verdict(demand)
            value = verdict.verdict if verdict else None
        return self._label(Verdict, value) if value else ""

    def dehydrate_status(self, demand: Demand) -> str:
        return self._label(Status, demand.status)


class YearSheet(DemandSheet):
    """A year of demands of every town the reader sees: the list's columns with the town after 序号."""

    town = fields.Field(column_name=_("Town"))

    class Meta(DemandSheet.Meta):
        fields = ("seq", "town", *DemandSheet.Meta.fields[1:])  # type: ignore[assignment]
        export_order = fields  # type: ignore[assignment]

    def dehydrate_town(self, demand: Demand) -> str:
        return str(demand.town)


def _local(moment: dt.datetime) -> dt.datetime:
    """Excel has no time zones: the town's wall-clock time (Asia/Shanghai), without tzinfo."""
    return timezone.localtime(moment).replace(tzinfo=None)


# Columns of the demand the sheet never shows: not read (the phone and the ID number are not even decrypted).
UNREAD = (
    "requester_phone",
    "requester_id_number",
    "requester_phone_hash",
    "tracking_pin_hash",
    "closing_note",
    "deputy__phone",
)


def prepare(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    """What a row shows, joined in: one query per batch, no prefetch (which would make the rows be read by
    offsets). The citizen's latest verdict is a subquery."""
    latest = Evaluation.objects.filter(demand=OuterRef("pk"), role=EvaluatorRole.CITIZEN).order_by(
        "-at", "-pk"
    )
    return (
        queryset.prefetch_related(None)
        .select_related(None)
        .select_related("town", "cell", "deputy", "assignment", "assignment__department")
        .defer(*UNREAD)
        .annotate(citizen_verdict=Subquery(latest.values("verdict")[:1]))
    )


def demands_xlsx(queryset: QuerySet[Demand], *, title: Any = "") -> bytes:
    """The rows of ``queryset`` (already scoped and filtered) as an .xlsx file; ``title`` names the sheet."""
    return export_services.sheet_bytes("demands.list", prepare(queryset), title=title or _("Demands"))


def list_rows(user: Any, params: dict[str, Any]) -> QuerySet[Demand]:
    """One of the three lists as the user reads it, with the filters of its page (``params["filters"]``)."""
    from .filters import DemandFilter

    kind = params["list"]
    statuses, _label = selectors.LISTS[kind]
    data = params.get("filters") or None
    filterset = DemandFilter(
        data,
        queryset=selectors.list_demands(user=user, kind=kind),
        request=SimpleNamespace(user=user),
        statuses=statuses,
    )
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return prepare(filterset.qs if filterset.is_bound else filterset.queryset)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``year`` and of the next, in the town's time."""
    zone = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def year_rows(user: Any, params: dict[str, Any]) -> QuerySet[Demand]:
    """Every demand recorded in ``params["year"]`` that the user reads: a county viewer's, every town's."""
    start, end = year_bounds(int(params["year"]))
    return prepare(Demand.objects.restrict(user).filter(created_at__gte=start, created_at__lt=end))


# Both read what the asker reads (``Demand.objects.restrict``): their deputy's cells, their department.
register(Export("demands.list", list_rows, DemandSheet, capability=Capability.VIEW_TOWN, scope=acting_scope))
register(Export("demands.year", year_rows, YearSheet, capability=Capability.VIEW_TOWN, scope=acting_scope))
