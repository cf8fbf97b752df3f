"""The readiness checks: django-health-check's machinery (its ``HealthCheck`` base, its timeouts and its
exceptions, its cache and storage checks) with our own checks for the database, migrations and the domain.

A check raises ``ServiceWarning`` for "serving, but look" (degraded) and any other ``HealthCheckException`` for
"cannot serve" (fail). Ours keep what they measured in ``figures``, shown only to those allowed the details.
Ours run on the caller's thread (``report._ours``, no event loop of their own), so they use the request's own
database connection, never a second one of a pool thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import uuid
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from health_check.base import HealthCheck
from health_check.checks import Cache, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from lianxin.core import clock

from . import figures
from .models import WorkerBeat

MB = 1024 * 1024


@dataclasses.dataclass
class Probe(HealthCheck):
    """One of our checks: ``probe()`` runs on the caller's thread and fills ``figures``."""

    figures: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)
    # Generous: on a busy SQLite file the database waits out its own busy timeout first.
    timeout = dt.timedelta(seconds=30)

    async def run(self) -> None:
        await sync_to_async(self._probe, thread_sensitive=True)()

    def _probe(self) -> None:
        """A database that refuses (down, locked, a table missing before the first migrate) fails the check
        with its one-line reason, not the library's "unknown error" and a traceback in the log."""
        try:
            self.probe()
        except DatabaseError as exc:
            raise ServiceUnavailable(_("the database refused: %(error)s") % {"error": exc}) from exc

    def probe(self) -> None:
        raise NotImplementedError


class _RolledBack(Exception):
    """Raised inside the probe's transaction so that its write never lands."""


@dataclasses.dataclass
class DatabaseReadWrite(Probe):
    """A read, and a write that is rolled back: the database answers and this role may write."""

    def probe(self) -> None:
        try:
            with transaction.atomic():
                self.figures["workers"] = WorkerBeat.objects.count()
                WorkerBeat.objects.create(name=f"readiness-probe-{uuid.uuid4().hex[:12]}")
                raise _RolledBack
        except _RolledBack:
            pass


@dataclasses.dataclass
class Migrations(Probe):
    """Every migration of this release is applied (the plan to the newest state is empty)."""

    def probe(self) -> None:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        self.figures["unapplied"] = len(plan)
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
            raise ServiceUnavailable(
                _("%(count)d migrations not applied (%(names)s): run lianxin migrate")
                % {"count": len(plan), "names": names}
            )


@dataclasses.dataclass
class WorkerHeartbeat(Probe):
    """A worker was heard of within ``HEALTH_WORKER_MAX_AGE`` seconds: deadlines, notices and jobs move."""

    def probe(self) -> None:
        beats = figures.worker_beats(clock.now())
        limit = settings.HEALTH_WORKER_MAX_AGE
        age = min(beats.values(), default=None)
        self.figures.update(workers=len(beats), age_seconds=None if age is None else round(age, 1))
        trouble = ServiceUnavailable if settings.HEALTH_WORKER_REQUIRED else ServiceWarning
        if age is None:
            raise trouble(_("no worker has ever beaten: start lianxin worker"))
        if age > limit:
            raise trouble(
                _("the last worker beat was %(age)d s ago (limit %(limit)d s)") % {"age": age, "limit": limit}
            )


@dataclasses.dataclass
class OutboxLag(Probe):
    """The oldest undelivered message (notice, SMS, webhook) is younger than ``HEALTH_OUTBOX_MAX_AGE``."""

    def probe(self) -> None:
        age = figures.outbox_oldest_age(clock.now())
        pending = sum(figures.outbox_by_channel("pending").values())
        self.figures.update(pending=pending, oldest_age_seconds=None if age is None else round(age, 1))
        limit = settings.HEALTH_OUTBOX_MAX_AGE
        if age is not None and age > limit:
            raise ServiceWarning(
                _("the oldest undelivered message has waited %(age)d s (limit %(limit)d s)")
                % {"age": age, "limit": limit}
            )


@dataclasses.dataclass
class FailedJobs(Probe):
    """Fewer than ``HEALTH_FAILED_JOBS_WARN`` jobs (exports, imports, reports) failed in the last day."""

    def probe(self) -> None:
        failed = figures.jobs_failed_since(clock.now() - figures.DAY)
        self.figures["failed_last_day"] = failed
        if failed >= settings.HEALTH_FAILED_JOBS_WARN:
            raise ServiceWarning(_("%(count)d jobs failed in the last day") % {"count": failed})


@dataclasses.dataclass
class FreeDisk(Probe):
    """Free space where the database file, the queue and the stored files live (VAR_DIR, MEDIA_ROOT)."""

    def probe(self) -> None:
        paths = {Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)}
        free = min(shutil.disk_usage(p if p.exists() else p.parent).free for p in paths)
        self.figures["free_mb"] = free // MB
        message = _("%(free)d MB free under the var and media directories") % {"free": free // MB}
        if free < settings.HEALTH_DISK_FAIL_MB * MB:
            raise ServiceUnavailable(message)
        if free < settings.HEALTH_DISK_WARN_MB * MB:
            raise ServiceWarning(message)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One line of the readiness report: its key in the JSON, its label, and the check that decides it."""

    key: str
    label: str  # marked here, translated when shown (``report``)
    make: type[HealthCheck]


CHECKS: tuple[Entry, ...] = (
    Entry("database", N_("database read and write"), DatabaseReadWrite),
    Entry("migrations", N_("migrations applied"), Migrations),
    Entry("cache", N_("cache set and get"), Cache),
    Entry("storage", N_("stored files"), Storage),
    Entry("worker", N_("worker heartbeat"), WorkerHeartbeat),
    Entry("outbox", N_("outbox delivery"), OutboxLag),
    Entry("jobs", N_("failed jobs (last day)"), FailedJobs),
    Entry("disk", N_("free disk"), FreeDisk),
)
