"""The two ledgers side by side as one workbook (民意诉求台账 | 矛盾纠纷台账), and the monthly analysis.

Columns are in the order a town office prints them; parties' names are masked for everyone (paper travels).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from lianxin.core.masking import mask_name
from lianxin.demands.exports import DemandSheet
from lianxin.demands.models import Demand
from lianxin.exports.registry import columns
from lianxin.exports.writer import Book

from . import risk
from .analysis import Row
from .models import Dispute

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


class DisputeSheet(resources.Resource):
    """序号、登记编号、登记日期、来源、当事人(脱敏)、所属网格、调解站、纠纷类型、纠纷简况、涉及金额、风险等级、
    信访隐患、调解员、调解结果、回访情况、状态 — in this order."""

    seq = fields.Field(column_name=gettext_lazy("No."))
    code = fields.Field(column_name=gettext_lazy("Ledger number"))
    registered = fields.Field(column_name=gettext_lazy("Registered on"))
    source = fields.Field(column_name=gettext_lazy("Source"))
    parties = fields.Field(column_name=gettext_lazy("Parties (masked)"))
    cell = fields.Field(column_name=gettext_lazy("Grid cell"))
    station = fields.Field(column_name=gettext_lazy("Mediation station"))
    kind = fields.Field(column_name=gettext_lazy("Type"))
    summary = fields.Field(column_name=gettext_lazy("The dispute"))
    amount = fields.Field(column_name=gettext_lazy("Amount at stake (yuan)"))
    risk = fields.Field(column_name=gettext_lazy("Risk level"))
    petition = fields.Field(column_name=gettext_lazy("Petition risk"))
    mediator = fields.Field(column_name=gettext_lazy("Mediator"))
    result = fields.Field(column_name=gettext_lazy("Mediation result"))
    follow_up = fields.Field(column_name=gettext_lazy("Follow-up"))
    status = fields.Field(column_name=gettext_lazy("Status"))

    class Meta:
        model = Dispute
        fields = ("seq", "code", "registered", "source", "parties", "cell", "station", "kind", "summary",
                  "amount", "risk", "petition", "mediator", "result", "follow_up", "status")  # fmt: skip
        export_order = fields

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seq = 0

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        return [str(h) for h in super().get_export_headers(selected_fields=selected_fields)]

    def dehydrate_seq(self, d: Dispute) -> int:
        self._seq += 1
        return self._seq

    def dehydrate_code(self, d: Dispute) -> str:
        return d.code

    def dehydrate_registered(self, d: Dispute) -> str:
        return _date(d.created_at)

    def dehydrate_source(self, d: Dispute) -> str:
        return str(d.get_source_display())

    def dehydrate_parties(self, d: Dispute) -> str:
        return "、".join(mask_name(p.name) for p in d.parties.all())

    def dehydrate_cell(self, d: Dispute) -> str:
        return d.cell.name if d.cell else ""

    def dehydrate_station(self, d: Dispute) -> str:
        return d.station.name if d.station else ""

    def dehydrate_kind(self, d: Dispute) -> str:
        return str(d.get_kind_display())

    def dehydrate_summary(self, d: Dispute) -> str:
        return f"{d.summary}\n{d.description}".strip()

    def dehydrate_amount(self, d: Dispute) -> int:
        return d.amount

    def dehydrate_risk(self, d: Dispute) -> str:
        reasons = "；".join(risk.reason_text(r) for r in d.risk_reasons)
        return f"{d.get_risk_display()}（{reasons}）" if reasons else str(d.get_risk_display())

    def dehydrate_petition(self, d: Dispute) -> str:
        return _("yes") if d.petition_risk else ""

    def dehydrate_mediator(self, d: Dispute) -> str:
        return str(d.mediator) if d.mediator else ""

    def dehydrate_result(self, d: Dispute) -> str:
        agreement = getattr(d, "agreement", None) if hasattr(d, "agreement") else None
        if agreement is not None:
            return agreement.terms
        if d.referred_to:
            return f"{d.get_referred_to_display()} {d.result}".strip()
        return d.result

    def dehydrate_follow_up(self, d: Dispute) -> str:
        agreement = getattr(d, "agreement", None) if hasattr(d, "agreement") else None
        return agreement.follow_up_result if agreement is not None else ""

    def dehydrate_status(self, d: Dispute) -> str:
        return str(d.get_status_display())


def _table(book: Book, title: str, sheet: Any, rows: Any) -> None:
    headers, row = columns(sheet)
    book.table(title, headers=headers, batches=[[row(obj) for obj in rows]])


LEDGERS = ("demands", "disputes")


def ledgers_xlsx(demands: QuerySet[Demand], disputes: QuerySet[Dispute], *, first: str = "demands") -> bytes:
    """Both ledgers (already scoped and filtered), one sheet each, in one workbook of the one writer (what
    people typed goes in as text, never as a formula). The sheet the person asked for (``first``: "demands"
    or "disputes") is the first, the one the workbook opens on; the other follows."""
    book = Book()
    sheets = {
        "demands": lambda: _table(book, _("Demand ledger"), DemandSheet(), demands),
        "disputes": lambda: _table(
            book, _("Dispute ledger"), DisputeSheet(), disputes.prefetch_related("parties")
        ),
    }
    for name in sorted(LEDGERS, key=lambda n: n != first):
        sheets[name]()
    return book.to_bytes()


def analysis_xlsx(rows: list[Row], months: list[str]) -> bytes:
    headers = [
        _("Ledger"),
        _("Town"),
        _("Grid cell"),
        _("Subject"),
        *months,
        _("Change on last month"),
        _("Average of earlier months"),
        _("Share resolved"),
    ]
    book = Book()
    book.table(
        _("High-frequency analysis"),
        headers=headers,
        batches=[
            [
                [
                    r.ledger_label,
                    r.town,
                    r.cell,
                    r.subject,
                    *r.counts,
                    r.change,
                    r.earlier_average,
                    f"{r.share_resolved:.0%}" if r.share_resolved is not None else "",
                ]
                for r in rows
            ]
        ],
    )
    return book.to_bytes()
