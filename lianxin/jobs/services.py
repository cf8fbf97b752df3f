"""Starting, running and clearing jobs. The worker's one task (``tasks.run_job``) calls ``job_run``.

1. ``job_start`` writes the queued row and hands its id to the worker after the commit;
2. ``job_run`` takes the row by a compare-and-swap (queued → running, so a job runs once even if queued
   twice), runs its kind in the asker's language, and writes the outcome: the file and ``done``, or the error;
3. ``jobs_sweep`` (every few minutes) fails a running job whose worker stopped beating for ``JOB_STALE_MINUTES``
   and a queued one no worker took for ``JOB_QUEUE_LIMIT_MINUTES``, with a message in its owner's language;
   ``job_retry`` starts the same work again for its owner;
4. ``jobs_clean`` removes the files older than ``JOB_KEEP_DAYS`` and marks their jobs expired.

What wins when the sweep and a late worker disagree: the sweep. Every write of a run (its beats, its report, its
outcome) is a compare-and-swap on ``state=running``; once the sweep has failed the job, the worker's next beat
finds nothing to update and stops it (``Abandoned``), its file is discarded, and the owner's retry is the only
way on. A job is never revived from failed to done, so a retry never runs beside a "done" twin.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from lianxin.core import clock

from .kinds import all_kinds, kind_of, may_make, standing
from .models import Job, JobState

KEEP_DAYS = 7
# A running job beats at least every few seconds (every batch of an export, every chunk of an import, every
# part of a report; the longest gap measured is well under a minute): a quarter of an hour of silence is a
# worker that died, not a slow one.
STALE_MINUTES = 15
# A queued job the worker has not taken in four hours will not be taken: the queue lost it or no worker runs.
QUEUE_LIMIT_MINUTES = 240


def keep_days() -> int:
    # Settings without the job app's name fall back to the exports' (its name before the job app).
    return int(getattr(settings, "JOB_KEEP_DAYS", getattr(settings, "EXPORT_KEEP_DAYS", KEEP_DAYS)))


def stale_minutes() -> int:
    return int(getattr(settings, "JOB_STALE_MINUTES", STALE_MINUTES))


def queue_limit_minutes() -> int:
    return int(getattr(settings, "JOB_QUEUE_LIMIT_MINUTES", QUEUE_LIMIT_MINUTES))


class Refused(Exception):
    """A run that ends with a reason for the asker (a sheet that cannot be read), not a worker's traceback."""


class Abandoned(Exception):
    """The job is no longer running (the sweep failed it while its worker was away): stop, keep nothing."""


def _running(job: Job) -> Any:
    return Job.objects.filter(pk=job.pk, state=JobState.RUNNING)


class Step:
    """What a kind's ``run`` is given: the job, its progress, and where to write its file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.name = ""
        self.second = ""

    def progress(self, done: int, total: int | None = None) -> None:
        """Rows (or parts) done; also the heartbeat the page and the sweep read."""
        fields: dict[str, Any] = {"done": done, "heartbeat_at": clock.now()}
        if total is not None:
            fields["total"] = max(total, done)
            self.job.total = fields["total"]
        elif done > self.job.total:
            fields["total"] = self.job.total = done
        self.job.done = done
        self._still(_running(self.job).update(**fields))

    def beat(self) -> None:
        """Say the worker is still on it, for a stretch of work with no row to count (reading a workbook)."""
        self._still(_running(self.job).update(heartbeat_at=clock.now()))

    def report(self, **result: Any) -> None:
        """Counts and notes the page shows besides the file (kept in ``job.result``)."""
        self.job.result = {**self.job.result, **result}
        self._still(_running(self.job).update(result=self.job.result, heartbeat_at=clock.now()))

    @staticmethod
    def _still(updated: int) -> None:
        if not updated:  # the sweep gave up on this job while the worker was away: it stays failed
            raise Abandoned

    def path(self, ext: str) -> str:
        """The path to write the job's one file to: a random name under MEDIA_ROOT/jobs/YYYY/MM/."""
        self.name = _fresh(ext)
        return _local(self.name)

    def second_path(self, ext: str) -> str:
        """The path of a second file, for the kinds that make two (``Job.second_file``)."""
        self.second = _fresh(ext)
        return _local(self.second)

    def discard(self) -> None:
        for name in (self.name, self.second):
            if name and default_storage.exists(name):
                default_storage.delete(name)
        self.name = self.second = ""


def _fresh(ext: str) -> str:
    return f"jobs/{clock.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


def _local(name: str) -> str:
    target = default_storage.path(name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    return target


def job_start(
    *,
    kind: str,
    title: str,
    owner: Any,
    params: dict[str, Any] | None = None,
    town: Any = None,
    total: int = 0,
) -> Job:
    """Queue a job of a registered kind for the worker (after the commit); it runs in the asker's language.
    The asker must hold the kind's capability; a kind whose rows follow the asker keeps their standing."""
    from .tasks import run_job

    spec = kind_of(kind)  # an unknown kind fails here, in the request, not later in the worker
    if not may_make(spec, owner):
        raise PermissionDenied
    job = Job.objects.create(
        kind=kind,
        scope=standing(spec, owner) if spec.follows_owner else {},
        title=str(title)[:200],
        params=params or {},
        owner=owner if getattr(owner, "pk", None) else None,
        town=town,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total=total,
    )
    transaction.on_commit(lambda: run_job(job.pk))
    return job


def job_run(*, job_id: int) -> Job:
    """Run one queued job; a job already taken (or finished) is left as it is."""
    at = clock.now()
    taken = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=at, heartbeat_at=at
    )
    job = Job.objects.select_related("owner", "town").get(pk=job_id)
    if not taken:
        return job
    step = Step(job)
    try:
        with translation.override(job.language):
            kind_of(job.kind).run(step)
    except Abandoned:
        step.discard()
        return Job.objects.get(pk=job.pk)
    except Refused as e:
        step.discard()
        _running(job).update(state=JobState.FAILED, error=_clean(e), finished_at=clock.now())
        return Job.objects.get(pk=job.pk)
    except Exception as e:  # the row says what went wrong; the worker's log has the traceback
        step.discard()
        _running(job).update(state=JobState.FAILED, error=_clean(e), finished_at=clock.now())
        raise
    done = _running(job).update(
        state=JobState.DONE,
        file=step.name,
        second_file=step.second,
        finished_at=clock.now(),
        heartbeat_at=clock.now(),
    )
    if not done:  # failed by the sweep meanwhile: the late file is nobody's (the retry makes its own)
        step.discard()
    return Job.objects.get(pk=job.pk)


def _clean(error: Exception) -> str:
    """The error for the page: a message may quote the bad value, and PostgreSQL stores no NUL."""
    return str(error).replace("\x00", "")[:500]


def jobs_sweep(*, at: dt.datetime | None = None) -> int:
    """Fail the jobs no worker will finish, so none stays "running" forever; returns how many.

    1. running, and its heartbeat (or start) older than ``JOB_STALE_MINUTES``: its worker died or was killed;
    2. queued, and asked for more than ``JOB_QUEUE_LIMIT_MINUTES`` ago: no worker took it.
    Each is a compare-and-swap on the state and the time read, so a job that beats meanwhile is let be. The
    message is in the owner's language (the job's), and says the owner may start it again.
    """
    at = at or clock.now()
    stale = at - dt.timedelta(minutes=stale_minutes())
    waited = at - dt.timedelta(minutes=queue_limit_minutes())
    running = Job.objects.filter(state=JobState.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    queued = Job.objects.filter(state=JobState.QUEUED, created_at__lt=waited)
    failed = 0
    for job in running.only("pk", "language", "heartbeat_at"):
        with translation.override(job.language):
            message = _(
                "The background job was interrupted: its worker has not been heard from for %(minutes)d "
                "minutes. Nothing of it was kept; press Retry to start it again."
            ) % {"minutes": stale_minutes()}
        failed += Job.objects.filter(pk=job.pk, state=JobState.RUNNING, heartbeat_at=job.heartbeat_at).update(
            state=JobState.FAILED, error=message, finished_at=at
        )
    for job in queued.only("pk", "language"):
        with translation.override(job.language):
            message = _(
                "The background job was interrupted: no worker took it up within %(hours)d hours. "
                "Press Retry to start it again."
            ) % {"hours": max(1, queue_limit_minutes() // 60)}
        failed += Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.FAILED, error=message, finished_at=at
        )
    return failed


def job_retry(*, job: Job, actor: Any) -> Job:
    """Start a failed job's work again, for its owner: a new job of the same kind and parameters (the old one
    stays, failed, and points at it). Asked twice, the second answer is the first retry.

    The owner must still hold the kind's right (``may_make``); a kind that follows its owner records their
    standing now (``job_start``). Only the owner retries: a job is theirs, whoever else may read it."""
    if job.owner_id is None or job.owner_id != getattr(actor, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        old = Job.objects.select_for_update().get(pk=job.pk)
        if old.state != JobState.FAILED:
            raise Refused(_("Only a job that failed can be started again."))
        if again := old.result.get("retried_as"):
            found = Job.objects.filter(pk=again, owner=actor).first()
            if found is not None:
                return found
        spec = kind_of(old.kind)
        new = job_start(
            kind=old.kind,
            title=old.title,
            owner=actor,
            params=old.params,
            town=old.town,
            total=0 if spec.counts else old.total,
        )
        Job.objects.filter(pk=old.pk).update(result={**old.result, "retried_as": new.pk})
    return new


def jobs_clean(*, at: dt.datetime | None = None, kinds: list[str] | None = None) -> int:
    """Remove the files of jobs older than ``JOB_KEEP_DAYS`` (and give up on jobs stuck that long); the rows
    stay, marked expired, so the asker's page says what happened. A kind's other stored files (an import's
    upload, ``JobKind.stored_params``) go too, and its rows' own words (``result_rows``); its counts stay."""
    before = (at or clock.now()) - dt.timedelta(days=keep_days())
    old = Job.objects.filter(created_at__lt=before).filter(~Q(state=JobState.EXPIRED))
    specs = {k.kind: k for k in all_kinds()}
    old = old.filter(
        kind__in=kinds if kinds is not None else [k for k, spec in specs.items() if spec.expires]
    )
    removed = 0
    for job in old.only("pk", "kind", "file", "second_file", "params", "result"):
        spec = specs.get(job.kind)
        stored_params = spec.stored_params if spec else ()
        names = [job.file.name, job.second_file.name] + [str(job.params.get(k) or "") for k in stored_params]
        for name in names:
            if name and default_storage.exists(name):
                default_storage.delete(name)
        params = {k: ("" if k in stored_params else v) for k, v in job.params.items()}
        result = {k: v for k, v in job.result.items() if not spec or k not in spec.result_rows}
        removed += (
            Job.objects.filter(pk=job.pk)
            .exclude(state=JobState.EXPIRED)
            .update(state=JobState.EXPIRED, file="", second_file="", params=params, result=result)
        )
    return removed
