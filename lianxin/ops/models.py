"""The operations app's own rows: the worker's heartbeat."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """The last time a worker (one row per host or ``WORKER_NAME``) was heard of; readiness reads the newest."""

    name = models.CharField(_("worker"), max_length=100, unique=True)
    at = models.DateTimeField(_("last beat"), default=now)
    started_at = models.DateTimeField(_("started at"), default=now)
    pid = models.PositiveIntegerField(_("process id"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-at"]
        indexes = [models.Index(fields=["-at"], name="workerbeat_newest")]

    def __str__(self) -> str:
        return self.name
