"""ExportJob: one spreadsheet a user asked for, written by the worker, kept a few days, read by that user only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("being written")
    DONE = "done", _("ready")
    FAILED = "failed", _("could not be written")
    EXPIRED = "expired", _("removed after its time")


class ExportJob(models.Model):
    """An export of any length, made by the worker (``services.export_run``), downloaded by whoever asked.

    Not town-owned: it belongs to the user who asked (a county viewer's spans towns); every read is
    ``ExportJob.objects.filter(requested_by=user)``, anyone else gets a 404. The rows are read again by the
    worker through the asker's own scope (``Model.objects.restrict(requested_by)``), from ``kind`` (a key of
    ``registry.EXPORTS``) and ``params`` (the list's filters, a year)."""

    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    # Under MEDIA_ROOT/exports/, a random name; out only through core/media.py to the asker.
    file = models.FileField(_("file"), upload_to="exports/", blank=True, max_length=200)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_status_valid"),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_user_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
