"""/exports/: the asker's exports, one export's page (progress polled with htmx, then the download link), and
the file through core/media.py. Every read is of the user's own jobs: anyone else's is a 404.

``answer`` is what an app's view calls for ``?format=xlsx``: a small list at once, a long one a job."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from lianxin.core import media

from . import services, signals, writer
from .models import ExportJob, ExportStatus


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
    return redirect("exports:job", pk=job.pk)


def _audited(request: HttpRequest, *, object_type: str, action: str, details: dict[str, Any]) -> None:
    # The audit trail subscribes (audit/receivers.py): it registers an export of its own, so importing it
    # here would close a cycle.
    signals.exported.send(
        sender=ExportJob, request=request, object_type=object_type, action=action, details=details
    )


def _mine(request: HttpRequest) -> QuerySet[ExportJob]:
    user: Any = request.user
    return ExportJob.objects.filter(requested_by=user)


def _context(request: HttpRequest, pk: int) -> dict[str, Any]:
    return {"job": get_object_or_404(_mine(request), pk=pk), "keep_days": services.keep_days()}


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "exports/list.html", {"jobs": _mine(request)[:20]})


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/job.html", _context(request, pk))


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress box alone: htmx swaps it in every few seconds until the job is finished."""
    return render(request, "exports/_progress.html", _context(request, pk))


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_mine(request), pk=pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    label = f"{job.title}-{timezone.localtime(job.finished_at or job.created_at):%Y%m%d}.xlsx"
    return media.file_response(request, job.file, label, mimetype=writer.XLSX_CONTENT_TYPE)
