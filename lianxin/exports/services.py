"""Exports of any length: a small list answers at once, a long one becomes a job the worker writes while the
asker's page shows the rows done; the file is kept ``EXPORT_KEEP_DAYS`` and then removed.

Both ways write the same sheet with the same code (``writer.keyset`` + ``writer.write_xlsx``), so the small
answer is the job's file, made in the request.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation

from lianxin.core import clock

from . import writer
from .models import ExportJob, ExportStatus
from .registry import EXPORTS, columns

DIRECT_ROWS = 2000  # up to this many rows the request answers at once (about a second); more, a job
KEEP_DAYS = 7


def direct_rows() -> int:
    return int(getattr(settings, "EXPORT_DIRECT_ROWS", DIRECT_ROWS))


def keep_days() -> int:
    return int(getattr(settings, "EXPORT_KEEP_DAYS", KEEP_DAYS))


def _batch() -> int:
    return int(getattr(settings, "EXPORT_BATCH", writer.BATCH))


def _write(kind: str, rows: QuerySet[Any], target: Any, *, title: Any, progress: Any = None) -> int:
    spec = EXPORTS[kind]
    headers, row = columns(spec.sheet())
    batches = ([row(obj) for obj in objs] for objs in writer.keyset(rows, order=spec.order, batch=_batch()))
    return writer.write_xlsx(target, title=title, headers=headers, batches=batches, progress=progress)


def sheet_bytes(kind: str, rows: QuerySet[Any], *, title: Any) -> bytes:
    """The sheet of ``rows`` (scoped and filtered by the caller) in memory: the small list's direct answer."""
    out = io.BytesIO()
    _write(kind, rows, out, title=title)
    return out.getvalue()


def export_start(*, kind: str, params: dict[str, Any], title: str, actor: Any, total: int = 0) -> ExportJob:
    """Queue an export for the worker (after the commit); the headers will be in the asker's language."""
    from .tasks import run_export

    if kind not in EXPORTS:
        raise ValueError(f"no export {kind!r}")
    job = ExportJob.objects.create(
        kind=kind,
        params=params,
        title=title[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        requested_by=actor,
        total=total,
    )
    transaction.on_commit(lambda: run_export(job.pk))
    return job


def export_run(*, job_id: int) -> ExportJob:
    """The worker's part: read the rows again through the asker's scope, write them batch by batch to a file
    under MEDIA_ROOT/exports/, and the rows done after each batch (the page polls them)."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    name = f"exports/{clock.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with translation.override(job.language):
            rows = EXPORTS[job.kind].rows(job.requested_by, job.params)
            total = rows.count()
            ExportJob.objects.filter(pk=job.pk).update(total=total)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(done=done, total=max(total, done))

            written = _write(job.kind, rows, path, title=job.title, progress=progress)
    except Exception as e:  # the row says what went wrong; the worker's log has the traceback
        if os.path.exists(path):
            os.remove(path)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, message=str(e)[:500], finished_at=clock.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        file=name,
        done=written,
        total=max(total, written),
        finished_at=clock.now(),
    )
    return ExportJob.objects.get(pk=job.pk)


def exports_clean(*, at: dt.datetime | None = None) -> int:
    """Remove the files of exports older than ``EXPORT_KEEP_DAYS`` (and give up on jobs stuck that long);
    the rows stay, marked expired, so the asker's page says what happened."""
    before = (at or clock.now()) - dt.timedelta(days=keep_days())
    old = ExportJob.objects.filter(created_at__lt=before).filter(~Q(status=ExportStatus.EXPIRED))
    removed = 0
    for job in old.only("pk", "file"):
        if job.file.name and default_storage.exists(job.file.name):
            default_storage.delete(job.file.name)
        removed += ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
    return removed
