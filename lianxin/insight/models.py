"""Early warnings (未诉先办) and what the presidium did with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import BoundedTextField
from lianxin.core.models import EventRow, TownOwned
from lianxin.demands.models import Category
from lianxin.territory.models import GridCell

from .events import WarningEventKind


class WarningKind(models.TextChoices):
    RECURRING = "recurring", _("recurring subject")
    RISING = "rising", _("rising trend")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("open")
    DISMISSED = "dismissed", _("dismissed")
    PROACTIVE = "proactive", _("turned into a proactive item")
    TOPIC = "topic", _("made a monthly topic")


class EarlyWarning(TownOwned):
    """A subject the worker found before anyone complained again: a cluster, or a cell above its baseline."""

    kind = models.CharField(_("kind"), max_length=10, choices=WarningKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    # What the scan recognises again on a later day (a cell for a trend, the first demand for a cluster).
    key = models.CharField(_("key"), max_length=80)
    cell = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("subject"), max_length=120)
    first_detected_at = models.DateTimeField(_("first detected"), default=now, db_index=True)
    last_detected_at = models.DateTimeField(_("last detected"), default=now)
    window_start = models.DateTimeField(_("window from"))
    window_end = models.DateTimeField(_("window to"))
    observed = models.PositiveIntegerField(_("demands in the window"), default=0)
    expected = models.FloatField(_("expected from the baseline"), null=True, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    demand_ids = models.JSONField(_("evidence demands"), default=list, blank=True)
    reason = BoundedTextField(_("reason"), blank=True, max_length=limits.REASON)
    topic_month = models.DateField(_("topic month"), null=True, blank=True)
    tracked_item = models.ForeignKey(
        "tracking.TrackedItem",
        verbose_name=_("proactive item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True)
    # The episode: while the rise lasts the daily scan updates this one warning; it ends (``ended_at``, the
    # day of its last signal) once no signal has come for detect.CLOSE_AFTER_DAYS.
    ended_at = models.DateTimeField(_("rise ended"), null=True, blank=True, db_index=True)
    detections = models.PositiveIntegerField(_("days detected"), default=1, db_default=1)
    strength = models.FloatField(_("strongest rise (observed / expected)"), null=True, blank=True)
    baseline_until = models.DateTimeField(_("baseline until"), null=True, blank=True)
    demands = models.ManyToManyField(
        "demands.Demand", through="WarningDemand", related_name="+", verbose_name=_("demands behind it")
    )

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-last_detected_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=WarningKind.values), name="warning_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=WarningStatus.values), name="warning_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.DISMISSED) | ~Q(reason=""),
                name="warning_dismissed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.TOPIC) | Q(topic_month__isnull=False),
                name="warning_topic_has_month",
            ),
            models.CheckConstraint(
                condition=~Q(status=WarningStatus.PROACTIVE) | Q(tracked_item__isnull=False),
                name="warning_proactive_has_item",
            ),
        ]
        indexes = [models.Index(fields=["town", "status", "kind"], name="warning_town_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None


class WarningDemand(models.Model):
    """A demand behind a warning; when the warning is turned into a proactive item, the item too (the
    demands the item answers, listed on the item's and the warning's pages)."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="links")
    demand = models.ForeignKey("demands.Demand", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "tracking.TrackedItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("demand behind a warning")
        verbose_name_plural = _("demands behind warnings")
        constraints = [models.UniqueConstraint(fields=["warning", "demand"], name="warning_demand_once")]
        indexes = [models.Index(fields=["item"], name="warning_demand_item")]

    def __str__(self) -> str:
        return f"{self.warning_id} · {self.demand_id}"


class EarlyWarningEvent(EventRow):
    """Append-only: one row per detection and per decision on a warning."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(WarningEventKind)

    Meta = EventRow.meta(
        WarningEventKind,
        verbose=_("warning event"),
        plural=_("warning events"),
        check="warning_event_kind_valid",
    )
