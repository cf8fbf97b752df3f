"""The closed loop: a demand (诉求) through the problem, assignment and completion lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import (
    BoundedTextField,
    EncryptedIdNumberField,
    EncryptedPhoneField,
    EncryptedTextField,
)
from lianxin.core.lights import Light
from lianxin.core.models import EventRow, Town, TownOwned, english_name_field, localized
from lianxin.core.uploads import CheckedFileField, RandomName
from lianxin.core.validators import validate_person_name
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station

from .events import Event
from .states import Status


class Domain(models.TextChoices):
    ECONOMIC = "economic", _("economic development")
    SOCIAL = "social", _("social governance")
    PUBLIC = "public", _("public services")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("emergency")
    GENERAL = "general", _("general")
    COMPLEX = "complex", _("complex")


class Channel(models.TextChoices):
    STATION = "station", _("liaison station visit")
    COLLECTION_POINT = "collection_point", _("collection point (agent)")
    OBSERVER = "observer", _("observer's report")
    DEPUTY_VISIT = "deputy_visit", _("deputy's visit")
    OFF_HOURS_VISIT = "off_hours_visit", _("off-hours visit")
    EVENING_TALK = "evening_talk", _("evening talk")
    HOTLINE = "hotline", _("12345 hotline")
    MOBILE = "mobile", _("mobile page")
    ENTERPRISE = "enterprise", _("industry station (enterprise)")
    WALK_IN = "walk_in", _("walk-in")


class Category(TownOwned):
    """A finer category of a domain, with its time limits per urgency; the presidium edits these."""

    domain = models.CharField(_("domain"), max_length=12, choices=Domain.choices)
    name = models.CharField(_("name"), max_length=40)
    name_en = english_name_field()
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    default_department = models.ForeignKey(
        Department, verbose_name=_("usual department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    emergency_hours = models.PositiveSmallIntegerField(_("emergency limit (hours)"), default=2)
    general_days = models.PositiveSmallIntegerField(_("general limit (working days)"), default=7)
    complex_days = models.PositiveSmallIntegerField(_("complex limit (working days)"), default=15)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["town", "domain", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="category_name_unique_in_town"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="category_domain_valid"),
            models.CheckConstraint(
                condition=Q(emergency_hours__gt=0, general_days__gt=0, complex_days__gt=0),
                name="category_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    EXPLAINED = "explained", _("explained, not resolved")


class Demand(TownOwned):
    """A citizen's demand, from any channel, tracked until it is really done."""

    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECORDED)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="demands"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.GENERAL)
    title = models.CharField(_("summary"), max_length=80)
    description = BoundedTextField(_("description"), max_length=limits.TEXT)
    cell = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("station"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=120, blank=True)
    # Personal data: encrypted at rest, shown masked to every role without view_personal_data.
    requester_name = EncryptedTextField(
        _("requester's name"), blank=True, max_length=limits.NAME, validators=[validate_person_name]
    )
    requester_phone = EncryptedPhoneField(_("requester's phone"), blank=True, max_length=limits.PHONE)
    requester_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    requester_id_number = EncryptedIdNumberField(
        _("requester's ID number"), blank=True, max_length=limits.ID_NUMBER
    )
    # For a person with no phone: the hash of the four-digit PIN printed on their slip (see ``codes.pin_hash``).
    tracking_pin_hash = models.CharField(max_length=64, blank=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands_raised",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands_recorded",
    )
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    addressed_to = models.ForeignKey(
        Deputy,
        verbose_name=_("addressed to deputy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands_addressed",
        help_text=_("The deputy whose QR code the citizen scanned."),
    )
    consent_at = models.DateTimeField(
        _("consent recorded at"),
        null=True,
        blank=True,
        help_text=_("When the person agreed that someone else records this for them."),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    closing_note = BoundedTextField(_("reason shown to the citizen"), blank=True, max_length=limits.REASON)
    # A client-chosen key (a form's hidden token, an API Idempotency-Key): a retried submission finds the
    # demand the first attempt made instead of making a second one.
    intake_key = models.CharField(_("submission key"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), default=now, db_index=True)
    # When the person filled the form on a phone that kept it offline (checked for sanity on arrival);
    # empty when it was sent at once: then ``created_at`` is both the time told and the time it arrived.
    filed_at = models.DateTimeField(_("filled in on the phone at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The time of the demand's latest event, kept on the row by the workflow core (``Workflow.emit``), so
    # that Open311 and the API read a column instead of the latest of every row's events.
    updated_at = models.DateTimeField(_("last updated at"), default=now)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "intake_key"], condition=~Q(intake_key=""), name="demand_intake_key_once"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="demand_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="demand_channel_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="demand_urgency_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=[*Outcome.values, ""]), name="demand_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.MERGED) | Q(merged_into__isnull=False),
                name="demand_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.RECORDED)
                | Q(status=Status.MERGED)
                | Q(status=Status.DECLINED)
                | Q(status=Status.TRANSFERRED)
                | Q(deputy__isnull=False),
                name="demand_past_recorded_has_deputy",
            ),
        ]
        indexes = [
            models.Index(fields=["town", "status"], name="demand_town_status"),
            models.Index(fields=["town", "cell", "status"], name="demand_town_cell_status"),
            # The three lists and the API's lists: a town's rows of some statuses, newest first.
            models.Index(fields=["town", "status", "-created_at"], name="demand_town_status_new"),
            models.Index(fields=["town", "-created_at"], name="demand_town_new"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def domain(self) -> str:
        return self.category.domain


class Assignment(TownOwned):
    """A deputy's handing of a demand to a lead department (交办), with co-handlers and a deadline."""

    demand = models.OneToOneField(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="assignment"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="assignments"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-handling departments"), blank=True, related_name="co_assignments"
    )
    matter = BoundedTextField(_("matter to handle"), max_length=limits.TEXT)
    standard = BoundedTextField(_("standard of completion"), max_length=limits.TEXT)
    due_at = models.DateTimeField(_("deadline"), db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    result = BoundedTextField(_("result report"), blank=True, max_length=limits.TEXT)
    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    light = models.CharField(_("supervision light"), max_length=6, choices=Light.choices, default=Light.GREEN)
    escalated_at = models.DateTimeField(_("escalated to the presidium at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(condition=Q(light__in=Light.values), name="assignment_light_valid")
        ]
        indexes = [models.Index(fields=["town", "department", "light"], name="assignment_dept_light")]

    def __str__(self) -> str:
        return f"{self.demand.code} → {self.department}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class Extension(TownOwned):
    """A department's request for more time (延期), approved or refused by the presidium."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_due_at = models.DateTimeField(_("requested deadline"))
    reason = BoundedTextField(_("reason"), max_length=limits.REASON)
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = BoundedTextField(_("decision note"), blank=True, max_length=limits.REASON)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExtensionStatus.values), name="extension_status_valid"
            ),
            # at most one request waits for a decision per assignment
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="extension_one_pending"
            ),
        ]


class EvaluatorRole(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    DEPUTY = "deputy", _("deputy's check")
    PRESIDIUM = "presidium", _("presidium's acceptance")


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Evaluation(TownOwned):
    """One voice of the multi-dimensional evaluation (多维反馈评价) of a completed demand."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="evaluations"
    )
    role = models.CharField(_("evaluated as"), max_length=10, choices=EvaluatorRole.choices)
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    comment = BoundedTextField(_("comment"), blank=True, max_length=limits.REASON)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=EvaluatorRole.values), name="evaluation_role_valid"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="evaluation_verdict_valid"),
        ]


class DemandEvent(EventRow):
    """Append-only: one row per transition or supervision step (who, when, from, to, note)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(Event)

    Meta = EventRow.meta(
        Event, verbose=_("demand event"), plural=_("demand events"), check="demand_event_kind_valid"
    )


class Attachment(TownOwned):
    """A photo or document on a demand: what the citizen sent, or the department's evidence."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted with the demand")
        EVIDENCE = "evidence", _("evidence of completion")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = CheckedFileField(_("file"), upload_to=RandomName("demands/%Y/%m/"))
    name = models.CharField(_("file name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now)
    # A voice note an agent recorded for someone else: that person agreed to be recorded (who recorded it is
    # ``uploaded_by``).
    voice_consent = models.BooleanField(
        _("the person agreed to be recorded"), default=False, db_default=False
    )

    @property
    def is_photo(self) -> bool:
        """A re-encoded photo (shown as a thumbnail), not a PDF document."""
        return (self.file.name or "").lower().endswith((".jpg", ".jpeg", ".png", ".webp"))

    @property
    def is_voice(self) -> bool:
        """A voice note, re-encoded to Opus in Ogg at upload (played with an audio player)."""
        return (self.file.name or "").lower().endswith(".ogg")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Reminder(TownOwned):
    """A 催办 written by the deadline sweep (or by hand): yellow, red, or escalation to the presidium."""

    class Level(models.TextChoices):
        YELLOW = "yellow", _("due soon")
        RED = "red", _("overdue")
        ESCALATED = "escalated", _("escalated to the presidium")
        MANUAL = "manual", _("reminder by hand")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["at"]


class PersonalDataAccess(TownOwned):
    """Append-only: who revealed which personal detail of a demand's requester, when, and why (回访)."""

    class Field(models.TextChoices):
        PHONE = "phone", _("phone number")
        REQUESTER = "requester", _("name, phone and ID number")

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="personal_data_accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("detail"), max_length=10, choices=Field.choices)
    reason = BoundedTextField(_("reason"), max_length=limits.REASON)
    at = models.DateTimeField(_("at"), default=now, db_index=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=["phone", "requester"]), name="personal_data_access_field_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="personal_data_access_reason_given"),
        ]


class StatusTally(models.Model):
    """How many demands of a town are in a status, as rows of changes: each recording or move of a demand
    adds a row (+1 for where it goes, -1 for where it leaves) in the change's own transaction, so writers
    never wait on one hot row; the sweep folds a town's rows into one per status (``counters.py``).
    ``lianxin manage recount_demands`` rebuilds them from the demands."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("count of demands by status")
        verbose_name_plural = _("counts of demands by status")
        indexes = [models.Index(fields=["town", "status"], name="status_tally_town_status")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.status} {self.n:+d}"
