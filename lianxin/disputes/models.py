"""The dispute ledger (矛盾纠纷台账): disputes, their parties, mediation sessions, agreements, hearings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import (
    BoundedTextField,
    EncryptedIdNumberField,
    EncryptedPhoneField,
    EncryptedTextField,
)
from lianxin.core.models import EventRow, TownOwned
from lianxin.core.validators import validate_person_name
from lianxin.demands.models import Category, Demand
from lianxin.people.models import Deputy
from lianxin.territory.models import GridCell, Station

from .events import Event, HearingEvent


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ACCEPTED = "accepted", _("taken up for mediation")
    MEDIATING = "mediating", _("mediating")
    AGREED = "agreed", _("agreement reached")
    FAILED = "failed", _("mediation failed")
    REFERRED = "referred", _("referred onward")
    FOLLOW_UP = "follow_up", _("follow-up done")
    CLOSED = "closed", _("closed")


OPEN = (Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING, Status.FAILED)
RESOLVED = (Status.AGREED, Status.FOLLOW_UP, Status.CLOSED)


class Kind(models.TextChoices):
    NEIGHBOURS = "neighbours", _("neighbours")
    LAND = "land", _("land and homesteads")
    FAMILY = "family", _("family and marriage")
    LABOUR = "labour", _("labour and wages")
    PROPERTY = "property", _("property and housing estates")
    TRAFFIC = "traffic", _("traffic")
    CONTRACT = "contract", _("contracts")
    OTHER = "other", _("other")


class Source(models.TextChoices):
    DEMAND = "demand", _("from a demand")
    WALK_IN = "walk_in", _("walk-in at a mediation station")
    OBSERVER = "observer", _("observer's report")
    DEPUTY_VISIT = "deputy_visit", _("deputy's visit")
    REFERRAL = "referral", _("referred by the police or the court")


class Risk(models.TextChoices):
    GENERAL = "general", _("general")
    MAJOR = "major", _("major")
    CRITICAL = "critical", _("critical")


class ReferredTo(models.TextChoices):
    COURT = "court", _("the court")
    ARBITRATION = "arbitration", _("arbitration")
    CENTRE = "centre", _("the town's comprehensive governance centre")


def default_kind_points() -> dict[str, int]:
    return {
        Kind.NEIGHBOURS: 1,
        Kind.LAND: 3,
        Kind.FAMILY: 1,
        Kind.LABOUR: 2,
        Kind.PROPERTY: 2,
        Kind.TRAFFIC: 1,
        Kind.CONTRACT: 1,
        Kind.OTHER: 0,
    }


class RiskRule(TownOwned):
    """The town's risk rule for disputes, tuned by the presidium: points per fact, and the thresholds."""

    kind_points = models.JSONField(_("points per type"), default=default_kind_points)
    amount_step = models.PositiveIntegerField(_("yuan at stake per point"), default=20000)
    amount_max_points = models.PositiveSmallIntegerField(_("most points for the amount"), default=4)
    party_points = models.PositiveSmallIntegerField(_("points per party beyond two"), default=1)
    repeat_points = models.PositiveSmallIntegerField(_("points per repeated contact"), default=1)
    threat_points = models.PositiveSmallIntegerField(_("points for threats"), default=4)
    major_at = models.PositiveSmallIntegerField(_("major from (points)"), default=5)
    critical_at = models.PositiveSmallIntegerField(_("critical from (points)"), default=9)
    petition_contacts_at = models.PositiveSmallIntegerField(
        _("petition risk from (repeated contacts)"), default=3
    )
    hearing_demands_at = models.PositiveSmallIntegerField(
        _("hearing proposed from (demands on one subject in one cell)"), default=5
    )
    hearing_window_days = models.PositiveSmallIntegerField(
        _("counting demands of the last (days)"), default=30
    )
    updated_at = models.DateTimeField(_("updated at"), default=now)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        constraints = [
            models.UniqueConstraint(fields=["town"], name="risk_rule_one_per_town"),
            models.CheckConstraint(
                condition=Q(major_at__gt=0, critical_at__gt=models.F("major_at"), amount_step__gt=0),
                name="risk_rule_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(hearing_demands_at__gt=1, hearing_window_days__gt=0),
                name="risk_rule_hearing_threshold_sane",
            ),
        ]

    def __str__(self) -> str:
        return str(_("risk rule"))


class Dispute(TownOwned):
    """A conflict between parties, from registration through mediation to the follow-up."""

    code = models.CharField(_("ledger number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    summary = models.CharField(_("summary"), max_length=80)
    description = BoundedTextField(_("description"), max_length=limits.TEXT)
    cell = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("mediation station"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disputes",
    )
    amount = models.PositiveIntegerField(_("amount at stake (yuan)"), default=0)
    repeat_contacts = models.PositiveSmallIntegerField(_("repeated contacts"), default=0)
    threats = models.BooleanField(_("threats or extreme words"), default=False)
    risk = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.GENERAL)
    risk_points = models.PositiveSmallIntegerField(_("risk points"), default=0)
    risk_reasons = models.JSONField(_("reasons for the risk level"), default=list, blank=True)
    petition_risk = models.BooleanField(_("petition risk (信访隐患)"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disputes_registered",
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disputes_mediated",
    )
    referred_to = models.CharField(_("referred to"), max_length=12, choices=ReferredTo.choices, blank=True)
    result = BoundedTextField(_("result"), blank=True, max_length=limits.TEXT)
    created_at = models.DateTimeField(_("registered at"), default=now, db_index=True)
    resolved_at = models.DateTimeField(_("agreement reached at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="dispute_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="dispute_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="dispute_source_valid"),
            models.CheckConstraint(condition=Q(risk__in=Risk.values), name="dispute_risk_valid"),
            models.CheckConstraint(
                condition=Q(referred_to__in=[*ReferredTo.values, ""]), name="dispute_referred_to_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REFERRED) | ~Q(referred_to=""), name="dispute_referral_names_body"
            ),
        ]
        indexes = [
            models.Index(fields=["town", "status"], name="dispute_town_status"),
            models.Index(fields=["town", "cell", "kind"], name="dispute_town_cell_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.summary}"


class Side(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    RESPONDENT = "respondent", _("respondent")


class Party(TownOwned):
    """One party to a dispute. Name, phone and ID number are encrypted and shown masked."""

    Side = Side

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    name = EncryptedTextField(_("name"), max_length=limits.NAME, validators=[validate_person_name])
    phone = EncryptedPhoneField(_("phone"), blank=True, max_length=limits.PHONE)
    id_number = EncryptedIdNumberField(_("ID number"), blank=True, max_length=limits.ID_NUMBER)
    accepts_agreement = models.BooleanField(_("accepts the agreement"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "pk"]
        constraints = [models.CheckConstraint(condition=Q(side__in=Side.values), name="party_side_valid")]

    def __str__(self) -> str:
        return str(self.get_side_display())


class DisputeEvent(EventRow):
    """Append-only: one row per move or step of a dispute."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(Event)

    Meta = EventRow.meta(
        Event, verbose=_("dispute event"), plural=_("dispute events"), check="dispute_event_kind_valid"
    )


class SessionOutcome(models.TextChoices):
    CONTINUE = "continue", _("to be continued")
    AGREEMENT = "agreement", _("agreement in sight")
    NO_AGREEMENT = "no_agreement", _("no agreement")


class Session(TownOwned):
    """A mediation session, with the deputy on the supervision seat (监督席) and their remarks."""

    Outcome = SessionOutcome

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held at"), db_index=True)
    place = models.CharField(_("place"), max_length=80)
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mediators"), related_name="mediation_sessions"
    )
    supervisor = models.ForeignKey(
        Deputy,
        verbose_name=_("deputy on the supervision seat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_sessions",
    )
    supervisor_remarks = BoundedTextField(_("the deputy's remarks"), blank=True, max_length=limits.TEXT)
    minutes = BoundedTextField(_("minutes"), max_length=limits.TEXT)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=SessionOutcome.values), name="session_outcome_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute.code} · {self.held_at:%Y-%m-%d}"


class Agreement(TownOwned):
    """The mediation agreement (人民调解协议书): its terms, the follow-up date and the follow-up's result."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="agreement")
    terms = BoundedTextField(_("terms"), max_length=limits.TEXT)
    signed_at = models.DateTimeField(_("signed at"), default=now)
    follow_up_due = models.DateField(_("follow-up due"))
    follow_up_result = BoundedTextField(_("follow-up result"), blank=True, max_length=limits.TEXT)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    kept = models.BooleanField(_("agreement kept"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return self.dispute.code


class Direction(models.TextChoices):
    ORIGIN = "origin", _("the dispute came from this demand")
    RAISED = "raised", _("the dispute raised this demand")


class DisputeDemand(TownOwned):
    """A link between the two ledgers (双台账联动): a demand a dispute came from, or one it raised."""

    Direction = Direction

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="demand_links")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="dispute_links")
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    at = models.DateTimeField(_("linked at"), default=now)

    class Meta:
        verbose_name = _("link between the ledgers")
        verbose_name_plural = _("links between the ledgers")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "demand"], name="dispute_demand_once"),
            # A demand turns into at most one dispute.
            models.UniqueConstraint(
                fields=["demand"], condition=Q(direction="origin"), name="demand_origin_of_one_dispute"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="dispute_demand_direction_valid"
            ),
        ]


class Hearing(TownOwned):
    """A hearing (听证会) on a major risk: proposed by the rule, then held (or dismissed) by the presidium."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        HELD = "held", _("held")
        DISMISSED = "dismissed", _("not to be held")

    class Basis(models.TextChoices):
        DISPUTE = "dispute", _("a major or critical dispute")
        DEMANDS = "demands", _("many demands on one subject in one cell")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    basis = models.CharField(_("basis"), max_length=8, choices=Basis.choices)
    title = models.CharField(_("subject"), max_length=120)
    reason = BoundedTextField(_("why it is proposed"), max_length=limits.REASON)
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("dispute"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hearings",
    )
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
    proposed_at = models.DateTimeField(_("proposed at"), default=now)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=80, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("deputies present"), blank=True, related_name="hearings"
    )
    participants = BoundedTextField(_("participants"), blank=True, max_length=limits.TEXT)
    positions = BoundedTextField(_("positions"), blank=True, max_length=limits.TEXT)
    conclusion = BoundedTextField(_("conclusion"), blank=True, max_length=limits.TEXT)
    dismissed_reason = BoundedTextField(_("why it was dismissed"), blank=True, max_length=limits.REASON)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "held", "dismissed"]), name="hearing_status_valid"
            ),
            models.CheckConstraint(condition=Q(basis__in=["dispute", "demands"]), name="hearing_basis_valid"),
            models.CheckConstraint(
                condition=Q(basis="dispute", dispute__isnull=False)
                | Q(basis="demands", cell__isnull=False, category__isnull=False),
                name="hearing_names_its_basis",
            ),
            # One proposal per dispute; the demand rule proposes again only after a window (service).
            models.UniqueConstraint(fields=["dispute"], name="hearing_once_per_dispute"),
        ]

    def __str__(self) -> str:
        return self.title


class HearingRecord(EventRow):
    """Append-only: one row per move or step of a hearing."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(HearingEvent)

    Meta = EventRow.meta(
        HearingEvent, verbose=_("hearing event"), plural=_("hearing events"), check="hearing_event_kind_valid"
    )
