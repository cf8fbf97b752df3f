"""Exports of any length: a small list answers at once, a long one becomes a job (``lianxin.jobs``) the worker
writes while the asker's page shows the rows done; the file is kept ``JOB_KEEP_DAYS`` and then removed.

Both ways write the same sheet with the same code (``writer.keyset`` + ``writer.write_xlsx``), so the small
answer is the job's file, made in the request.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from lianxin.jobs import services as jobs
from lianxin.jobs.models import Job

from . import writer
from .registry import EXPORTS, columns

DIRECT_ROWS = 2000  # up to this many rows the request answers at once (about a second); more, a job


def direct_rows() -> int:
    return int(getattr(settings, "EXPORT_DIRECT_ROWS", DIRECT_ROWS))


keep_days = jobs.keep_days


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


def export_start(*, kind: str, params: dict[str, Any], title: str, actor: Any, total: int = 0) -> Job:
    """Queue an export for the worker (after the commit); the headers will be in the asker's language. The job
    is of the asker's town (none for a county viewer), and keeps the standing its rows are read under."""
    if kind not in EXPORTS:
        raise ValueError(f"no export {kind!r}")
    town = getattr(actor, "town", None)
    return jobs.job_start(kind=kind, title=title, owner=actor, params=params, town=town, total=total)


def export_write(step: jobs.Step) -> None:
    """The job kind's run: read the rows again through the asker's own scope
    (``Model.objects.restrict(owner)``), and write them batch by batch, with the rows done after each."""
    job = step.job
    rows = EXPORTS[job.kind].rows(job.owner, job.params)
    total = rows.count()
    step.progress(0, total)
    written = _write(job.kind, rows, step.path("xlsx"), title=job.title, progress=step.progress)
    step.progress(written, max(total, written))


def export_run(*, job_id: int) -> Job:
    """The worker's part (``jobs.job_run``), named here for the callers that run an export in place."""
    return jobs.job_run(job_id=job_id)


def exports_clean(*, at: dt.datetime | None = None) -> int:
    """Remove the files of exports older than their days; the rows stay, marked expired."""
    return jobs.jobs_clean(at=at, kinds=list(EXPORTS))
