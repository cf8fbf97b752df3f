"""Starting, running and clearing jobs. The worker's one task (``tasks.run_job``) calls ``job_run``.

1. ``job_start`` writes the queued row and hands its id to the worker after the commit;
2. ``job_run`` takes the row by a compare-and-swap (queued → running, so a job runs once even if queued
   twice), runs its kind in the asker's language, and writes the outcome: the file and ``done``, or the error;
3. ``jobs_clean`` removes the files older than ``JOB_KEEP_DAYS`` and marks their jobs expired.
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

from lianxin.core import clock

from .kinds import all_kinds, kind_of, may_make, standing
from .models import Job, JobState

KEEP_DAYS = 7


def keep_days() -> int:
    # Settings without the job app's name fall back to the exports' (its name before the job app).
    return int(getattr(settings, "JOB_KEEP_DAYS", getattr(settings, "EXPORT_KEEP_DAYS", KEEP_DAYS)))


class Refused(Exception):
    """A run that ends with a reason for the asker (a sheet that cannot be read), not a worker's traceback."""


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
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def beat(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(heartbeat_at=clock.now())

    def report(self, **result: Any) -> None:
        """Counts and notes the page shows besides the file (kept in ``job.result``)."""
        self.job.result = {**self.job.result, **result}
        Job.objects.filter(pk=self.job.pk).update(result=self.job.result)

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
    except Refused as e:
        step.discard()
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=str(e)[:500], finished_at=clock.now()
        )
        return Job.objects.get(pk=job.pk)
    except Exception as e:  # the row says what went wrong; the worker's log has the traceback
        step.discard()
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=str(e)[:500], finished_at=clock.now()
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        file=step.name,
        second_file=step.second,
        finished_at=clock.now(),
        heartbeat_at=clock.now(),
    )
    return Job.objects.get(pk=job.pk)


def jobs_clean(*, at: dt.datetime | None = None, kinds: list[str] | None = None) -> int:
    """Remove the files of jobs older than ``JOB_KEEP_DAYS`` (and give up on jobs stuck that long); the rows
    stay, marked expired, so the asker's page says what happened."""
    before = (at or clock.now()) - dt.timedelta(days=keep_days())
    old = Job.objects.filter(created_at__lt=before).filter(~Q(state=JobState.EXPIRED))
    old = old.filter(kind__in=kinds if kinds is not None else [k.kind for k in all_kinds() if k.expires])
    removed = 0
    for job in old.only("pk", "file", "second_file"):
        for stored in (job.file, job.second_file):
            if stored.name and default_storage.exists(stored.name):
                default_storage.delete(stored.name)
        removed += Job.objects.filter(pk=job.pk).update(state=JobState.EXPIRED, file="", second_file="")
    return removed
