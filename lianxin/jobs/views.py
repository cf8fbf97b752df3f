"""/jobs/: the asker's jobs, one job's page (its progress polled with htmx, then the download), and the file
through ``core/media.py``. A job is read by its owner (or whom its kind allows) while they still hold the right
and the scope it was made under (``kinds.may_open``, asked on every request): anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import media

from . import services
from .kinds import JobKind, kind_of, may_make, may_open
from .models import Job, JobState


def mine(request: HttpRequest) -> QuerySet[Job]:
    user: Any = request.user
    return Job.objects.filter(owner=user)


def readable(request: HttpRequest, pk: int) -> tuple[Job, JobKind | None]:
    job = get_object_or_404(Job.objects.select_related("owner"), pk=pk)
    try:
        kind: JobKind | None = kind_of(job.kind)
    except KeyError:  # a kind no longer registered: its owner still sees what became of it
        kind = None
    allowed = may_open(kind, request.user, job) if kind else job.owner_id == request.user.pk
    if not allowed:
        raise Http404
    return job, kind


def _context(request: HttpRequest, pk: int) -> dict[str, Any]:
    job, kind = readable(request, pk)
    return {"job": job, "kind": kind, "keep_days": services.keep_days()}


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": mine(request)[:20]})


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job.html", _context(request, pk))


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress box alone: htmx swaps it in every few seconds until the job is finished."""
    return render(request, "jobs/_progress.html", _context(request, pk))


@login_required
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job, kind = readable(request, pk)
    if job.state != JobState.DONE or not job.file or kind is None:
        raise Http404
    ext = (job.file.name or "").rsplit(".", 1)[-1]
    label = f"{job.title}-{timezone.localtime(job.finished_at or job.created_at):%Y%m%d}.{ext}"
    return media.file_response(request, job.file, label, mimetype=kind.mimetype)


@require_POST
@login_required
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner starts a failed job again (a new job of the same kind and parameters) and is taken to it.
    Another user's job is a 404; an owner who no longer holds the kind's right a 403; a job that did not fail
    a 409 on its own page."""
    job = get_object_or_404(mine(request), pk=pk)
    try:
        kind = kind_of(job.kind)
    except KeyError:
        raise Http404 from None
    if not may_make(kind, request.user):
        raise PermissionDenied
    try:
        again = services.job_retry(job=job, actor=request.user)
    except services.Refused as refused:
        context = {"job": job, "kind": kind, "keep_days": services.keep_days(), "refused": str(refused)}
        return render(request, "jobs/job.html", context, status=409)
    return redirect("jobs:job", pk=again.pk)
