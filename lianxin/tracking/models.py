"""A tracked item (督办事项): one thing someone must do by a date, under the supervision lights.

Hearing follow-ups, inquiry commitments, proactive items raised by an early warning and the office's own
督办 are all tracked items. The app that raises one names itself in ``origin`` and links the object it came
from (``source``); the item then moves through its own table (``workflow.py``): open → reported done →
accepted, or returned with a new deadline; the sweep turns its light yellow and red as for assignments.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import BoundedTextField
from lianxin.core.lights import Light
from lianxin.core.models import EventRow, TownOwned
from lianxin.people.models import Department, Deputy

from .events import TrackingEvent


class TrackingStatus(models.TextChoices):
    OPEN = "open", _("in hand")
    REPORTED = "reported", _("reported done, awaiting check")
    ACCEPTED = "accepted", _("done and accepted")
    CANCELLED = "cancelled", _("cancelled")


ON_THE_CLOCK = (TrackingStatus.OPEN,)
CLOSED = (TrackingStatus.ACCEPTED, TrackingStatus.CANCELLED)


class TrackedItem(TownOwned):
    origin = models.CharField(_("raised by"), max_length=40, db_index=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("what is to be done"), max_length=200)
    details = BoundedTextField(_("details"), blank=True, max_length=limits.TEXT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked_items",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked_items",
    )
    supervisor = models.ForeignKey(
        Deputy,
        verbose_name=_("supervising deputy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_items",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TrackingStatus.choices, default=TrackingStatus.OPEN
    )
    due_at = models.DateTimeField(_("deadline"))
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, default=Light.GREEN)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    result = BoundedTextField(_("result report"), blank=True, max_length=limits.TEXT)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised at"), default=now, db_index=True)

    class Meta:
        verbose_name = _("tracked item")
        verbose_name_plural = _("tracked items")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["town", "status", "due_at"], name="tracked_town_status_due"),
            models.Index(fields=["source_type", "source_id"], name="tracked_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TrackingStatus.values), name="tracked_item_status_valid"
            ),
            models.CheckConstraint(condition=Q(light__in=Light.values), name="tracked_item_light_valid"),
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(owner__isnull=False),
                name="tracked_item_has_an_owner",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="tracked_item_source_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def on_clock(self) -> bool:
        return self.status in ON_THE_CLOCK


class TrackedItemEvent(EventRow):
    """Append-only: one row per move or step of a tracked item."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(TrackingEvent)

    Meta = EventRow.meta(
        TrackingEvent,
        verbose=_("tracked item event"),
        plural=_("tracked item events"),
        check="tracked_item_event_kind_valid",
    )
