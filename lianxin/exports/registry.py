"""What may be exported: one ``Export`` per kind, registered by the app that owns the rows (in its ``ready()``).

An export names the rows (``rows(user, params)``: a queryset already cut to the user's scope by
``Model.objects.restrict(user)`` and filtered by ``params``, with what the columns read joined in by
``select_related``/annotations: no prefetch, which would force offsets), the columns (``sheet()``: a
django-import-export ``Resource`` whose fields and ``dehydrate_*`` methods make a row) and a unique order for
the keyset. The same export answers a small list at once and a long one through the worker (``services``).
It also names the capability it needs and what of the asker its rows' scope reads: a long export's file is
downloaded only while the asker still holds both (``lianxin.jobs.kinds.may_open``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianxin.core.kit import kit
from lianxin.jobs.kinds import JobKind

from .writer import XLSX_CONTENT_TYPE


@dataclass(frozen=True)
class Export:
    kind: str
    rows: Callable[[Any, dict[str, Any]], QuerySet[Any]]
    sheet: Callable[[], Any]
    order: Sequence[str] = ("-created_at", "-pk")
    # The capability needed to export (and, later, to download the job's file), and what else the rows' scope
    # rule reads of the asker (``jobs.kinds.JobKind.scope``): a long export is downloaded only while both hold.
    capability: str = ""
    scope: Callable[[Any], dict[str, Any]] | None = None


EXPORTS: dict[str, Export] = {}


def _run(step: Any) -> None:
    from .services import export_write  # services reads this module: imported when the worker runs

    export_write(step)


def register(export: Export) -> Export:
    """Register an export, and with it the job kind the worker runs when the list is too long to wait for."""
    EXPORTS[export.kind] = export
    # Listed in the registry of the app that owns the rows too (registered from its ready()).
    owner = apps.get_containing_app_config(getattr(export.rows, "__module__", ""))
    kit(owner.label if owner else export.kind.split(".", 1)[0]).add("exports", export)
    kit("exports").add(
        "jobs",
        JobKind(
            kind=export.kind,
            label=_("export"),
            run=_run,
            mimetype=XLSX_CONTENT_TYPE,
            download=_("Download the workbook"),
            capability=export.capability,
            follows_owner=True,  # the worker reads the rows as the asker: the file is only as good as that
            scope=export.scope,
        ),
    )
    return export


def columns(sheet: Any) -> tuple[list[str], Callable[[Any], list[Any]]]:
    """The headers (in the active language) and a function making one row, of an import-export resource."""
    fields = sheet.get_export_fields()
    headers = [str(h) for h in sheet.get_export_headers()]

    def row(obj: Any) -> list[Any]:
        return [sheet.export_field(field, obj) for field in fields]

    return headers, row
