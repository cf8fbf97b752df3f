"""The deputy's duty record (履职档案): entries from events, the station rota, visits, hand-entered
activities, the presidium's point weights and the deputy's own words for the annual report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import BoundedTextField
from lianxin.core.models import EventRow, TownOwned
from lianxin.core.uploads import CheckedFileField, RandomName
from lianxin.demands.models import Demand
from lianxin.people.models import Deputy, Observer
from lianxin.territory.models import GridCell, Station

from .events import KINDS
from .kinds import (
    MANUAL,
    Activity,
    ActivityStatus,
    ShiftStatus,
    VisitKind,
    VisitStatus,
)


class DutyEntry(TownOwned):
    """One thing a deputy did, written once from the event that recorded it (or a confirmed activity)."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="duty_entries"
    )
    kind = models.CharField(_("activity"), max_length=24, choices=Activity.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    summary = models.CharField(_("summary"), max_length=160, blank=True)
    # The event row it came from: "<app_label>.<model>" and its id. Unique with the deputy: exactly once.
    source = models.CharField(_("source"), max_length=60)
    source_id = models.BigIntegerField(_("source row"))
    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("duty record entry")
        verbose_name_plural = _("duty record entries")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "deputy"], name="duty_entry_once"),
            models.CheckConstraint(condition=Q(kind__in=Activity.values), name="duty_entry_kind_valid"),
        ]
        indexes = [models.Index(fields=["town", "deputy", "at"], name="duty_entry_deputy_at")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_kind_display()}"


class PointWeight(TownOwned):
    """How many points (履职积分) one activity of a kind earns; the presidium edits these."""

    kind = models.CharField(_("activity"), max_length=24, choices=Activity.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("point weight")
        verbose_name_plural = _("point weights")
        constraints = [
            models.UniqueConstraint(fields=["town", "kind"], name="point_weight_once"),
            models.CheckConstraint(condition=Q(kind__in=Activity.values), name="point_weight_kind_valid"),
            models.CheckConstraint(condition=Q(points__gte=0), name="point_weight_not_negative"),
        ]


class Shift(TownOwned):
    """One shift (值班) of one deputy at one station; checked in and out on the phone with the station's QR."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="shifts"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "station"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=ShiftStatus.values), name="shift_status_valid"),
            models.UniqueConstraint(fields=["deputy", "station", "starts_at"], name="shift_once"),
        ]
        indexes = [models.Index(fields=["town", "station", "starts_at"], name="shift_station_start")]

    def __str__(self) -> str:
        return f"{self.station} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Reception(TownOwned):
    """A person received during a shift (接待), and the demand it became, if any."""

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="receptions"
    )
    matter = models.CharField(_("matter"), max_length=200)
    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=now)

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        ordering = ["at"]


class Visit(TownOwned):
    """A visit by a deputy–observer pair: door to door, staggered (错时) or an evening talk (夜访)."""

    kind = models.CharField(_("kind of visit"), max_length=10, choices=VisitKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="visits"
    )
    observer = models.ForeignKey(
        Observer,
        verbose_name=_("observer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.PROTECT, related_name="visits"
    )
    planned_for = models.DateTimeField(_("planned for"))
    done_at = models.DateTimeField(_("visited at"), null=True, blank=True, db_index=True)
    households = models.PositiveSmallIntegerField(_("households visited"), default=0)
    places = models.CharField(_("where (groups, buildings)"), max_length=200, blank=True)
    heard = BoundedTextField(_("what was heard"), blank=True, max_length=limits.TEXT)
    # Made on the deputy's phone for a visit logged through the offline queue: a second send is the same visit.
    key = models.CharField(
        _("submission key"), max_length=64, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_for"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="visit_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=VisitStatus.values), name="visit_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=VisitStatus.DONE) | Q(done_at__isnull=False), name="visit_done_has_time"
            ),
            models.UniqueConstraint(fields=["town", "key"], condition=~Q(key=""), name="visit_key_once"),
        ]
        indexes = [models.Index(fields=["town", "cell", "done_at"], name="visit_cell_done")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.cell}"


class VisitMatter(TownOwned):
    """A matter raised on a visit; one step makes it a demand."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="matters"
    )
    summary = models.CharField(_("matter"), max_length=200)
    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("matter raised")
        verbose_name_plural = _("matters raised")
        ordering = ["pk"]


class ManualActivity(TownOwned):
    """An activity without an event (a policy talk, a training), entered with evidence and confirmed."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="manual_activities"
    )
    kind = models.CharField(_("activity"), max_length=24, choices=[(k.value, k.label) for k in MANUAL])
    title = models.CharField(_("what"), max_length=120)
    happened_on = models.DateField(_("date"))
    evidence = CheckedFileField(_("evidence"), upload_to=RandomName("duty/%Y/%m/"), blank=True)
    evidence_note = models.CharField(_("evidence (description)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("presidium's note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("activity entered by hand")
        verbose_name_plural = _("activities entered by hand")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MANUAL]), name="manual_activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values), name="manual_activity_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(evidence="") | ~Q(evidence_note=""), name="manual_activity_has_evidence"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DutyEvent(EventRow):
    """Append-only: one row per move or step of a shift, a visit or a hand-entered activity."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    activity = models.ForeignKey(
        ManualActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = EventRow.kind_field(*KINDS)

    class Meta(EventRow.Meta):
        verbose_name = _("duty event")
        verbose_name_plural = _("duty events")
        constraints = [
            EventRow.kind_check(*KINDS, name="duty_event_kind_valid"),
            models.CheckConstraint(
                condition=Q(shift__isnull=False, visit__isnull=True, activity__isnull=True)
                | Q(shift__isnull=True, visit__isnull=False, activity__isnull=True)
                | Q(shift__isnull=True, visit__isnull=True, activity__isnull=False),
                name="duty_event_one_subject",
            ),
        ]


class DutyReport(TownOwned):
    """The deputy's own words for the year's duty report (述职报告), kept while they review it."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    own_text = BoundedTextField(_("in the deputy's own words"), blank=True, max_length=limits.TEXT)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("duty report")
        verbose_name_plural = _("duty reports")
        constraints = [models.UniqueConstraint(fields=["deputy", "year"], name="duty_report_once")]
