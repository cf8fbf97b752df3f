"""``answer`` is what an app's view calls for ``?format=xlsx``: a small list at once, a long one a job of the job
app (``lianxin.jobs``), whose pages (/exports/ and /jobs/) show its progress and give its file to the asker."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header

from . import services, signals, writer


def answer(
    request: HttpRequest,
    *,
    kind: str,
    params: dict[str, Any],
    rows: QuerySet[Any],
    title: str,
    object_type: str,
    action: str,
) -> HttpResponse:
    """Export ``rows`` (the caller scoped and filtered them; ``params`` rebuild them in the worker): the file
    itself up to ``EXPORT_DIRECT_ROWS`` rows, else a job and a redirect to its page. Audited either way."""
    count = rows.count()
    details: dict[str, Any] = {"filters": params.get("filters", params), "rows": count}
    if count <= services.direct_rows():
        data = services.sheet_bytes(kind, rows, title=title)
        _audited(request, object_type=object_type, action=action, details=details)
        response = HttpResponse(data, content_type=writer.XLSX_CONTENT_TYPE)
        name = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    job = services.export_start(kind=kind, params=params, title=title, actor=request.user, total=count)
    _audited(request, object_type=object_type, action=action, details={**details, "job": job.pk})
    return redirect("jobs:job", pk=job.pk)


def _audited(request: HttpRequest, *, object_type: str, action: str, details: dict[str, Any]) -> None:
    # The audit trail subscribes (audit/receivers.py): it registers an export of its own, so importing it
    # here would close a cycle.
    signals.exported.send(
        sender=None, request=request, object_type=object_type, action=action, details=details
    )
