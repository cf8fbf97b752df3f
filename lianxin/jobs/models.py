"""Job: anything the worker makes for someone with progress and, usually, a file (an export, a ledger import,
a monthly report), kept a few days and read through ``core/media.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("being written")
    DONE = "done", _("ready")
    FAILED = "failed", _("could not be written")
    EXPIRED = "expired", _("removed after its time")


FINISHED = (JobState.DONE, JobState.FAILED, JobState.EXPIRED)


class Job(models.Model):
    """One run of a registered job kind (``jobs.kinds``), done by the worker (``services.job_run``).

    Not town-owned: it belongs to whoever asked (a county viewer's export spans towns), and every read of it is
    ``Job.objects.filter(owner=user)``: anyone else gets a 404. ``town`` only says which town it is about, when
    it is about one. The file is stored under MEDIA_ROOT/jobs/ with a random name, never in the database."""

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    town = models.ForeignKey(
        "core.Town", verbose_name=_("town"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # What the owner's rows were read under when a kind that follows its owner started (``kinds.standing``):
    # compared again at every download (``kinds.may_open``).
    scope = models.JSONField(_("scope it was made under"), default=dict, blank=True)
    state = models.CharField(_("status"), max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    # What the run reports besides its file (rows imported and skipped, the rows refused and why).
    result = models.JSONField(_("result"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/", blank=True, max_length=200)
    # The few kinds that make two files of one thing (a monthly report's workbook beside its PDF) keep the
    # second here rather than as a second job, so both share one row, one state and one reader check.
    second_file = models.FileField(_("second file"), upload_to="jobs/", blank=True, max_length=200)
    error = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written with every step: a running job whose heartbeat stopped long ago lost its worker.
    heartbeat_at = models.DateTimeField(_("last heard of"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="job_state_valid"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
            models.Index(fields=["kind", "state"], name="job_kind_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
