"""Deputies' supervision beyond single demands: voted livelihood projects (民生实事) and suggestions upward
(代表建议). Each thing that moves through states has its event table; the moves are in ``workflow.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import BoundedTextField, EncryptedPhoneField, EncryptedTextField
from lianxin.core.models import EventRow, TownOwned
from lianxin.core.uploads import CheckedFileField, RandomName
from lianxin.core.validators import validate_person_name
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station

from .events import (
    IndustryKind,
    InquiryKind,
    PlanItemKind,
    PlanKind,
    ProjectKind,
    SuggestionKind,
    ThemeKind,
    VoteKind,
)


# --- the vote (票决) -----------------------------------------------------------------------------------
class VoteRule(models.TextChoices):
    """How many votes in favour adopt a candidate."""

    MAJORITY_OF_ALL = "majority_of_all", _("more than half of all deputies")
    MAJORITY_OF_VOTERS = "majority_of_voters", _("more than half of the deputies who voted")
    TWO_THIRDS_OF_ALL = "two_thirds_of_all", _("two thirds of all deputies")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("voting open")
    COUNTED = "counted", _("counted")


class VoteSession(TownOwned):
    """A sitting of the congress that votes on the year's candidate livelihood projects."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=80)
    rule = models.CharField(_("adoption rule"), max_length=20, choices=VoteRule.choices)
    electorate = models.PositiveSmallIntegerField(
        _("deputies entitled to vote"), help_text=_("Counted when the vote opens.")
    )
    status = models.CharField(_("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=now)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    # The paper tally sheet (计票单), when the office counted paper ballots in the room: how many ballots it
    # counted, who entered it and when (each entry is also a ``tally`` event, so audited); the figures per
    # candidate are ``PaperTally`` rows. Ballots cast one by one (``Ballot``) add to it.
    tally_ballots = models.PositiveSmallIntegerField(_("ballots on the tally sheet"), null=True, blank=True)
    tally_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tally sheet entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tally_at = models.DateTimeField(_("tally sheet entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project vote")
        verbose_name_plural = _("project votes")
        ordering = ["-year", "-opened_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rule__in=VoteRule.values), name="vote_session_rule_valid"),
            models.CheckConstraint(
                condition=Q(status__in=VoteStatus.values), name="vote_session_status_valid"
            ),
            models.CheckConstraint(condition=Q(electorate__gt=0), name="vote_session_electorate_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ballots_in(self) -> int:
        """The ballots in: those on the paper tally sheet and those cast one by one."""
        return (self.tally_ballots or 0) + self.ballots.count()

    @property
    def quorum(self) -> int:
        """The fewest ballots in for the result to be counted and published: more than half of the deputies
        entitled to vote."""
        return self.electorate // 2 + 1

    def threshold(self, voters: int) -> int:
        """The fewest votes in favour that adopt a candidate under this session's rule."""
        if self.rule == VoteRule.MAJORITY_OF_ALL:
            return self.electorate // 2 + 1
        if self.rule == VoteRule.TWO_THIRDS_OF_ALL:
            return -(-2 * self.electorate // 3)
        return voters // 2 + 1


class ProjectStatus(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    VOTING = "voting", _("being voted on")
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("not adopted")
    UNDERWAY = "underway", _("underway")
    COMPLETED = "completed", _("completed, being rated")
    DONE = "done", _("done")


PUBLIC_PROJECT_STATUSES = (
    ProjectStatus.ADOPTED,
    ProjectStatus.REJECTED,
    ProjectStatus.UNDERWAY,
    ProjectStatus.COMPLETED,
    ProjectStatus.DONE,
)


class ProjectSource(models.TextChoices):
    DEMANDS = "demands", _("citizens' demands")
    DISPUTES = "disputes", _("the dispute ledger")
    DEPUTIES = "deputies", _("deputies' proposal")
    CITIZENS = "citizens", _("citizens' proposal")


class Project(TownOwned):
    """A livelihood project (民生实事): a candidate, voted on, then carried out under deputies' supervision."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=80)
    description = BoundedTextField(_("description"), max_length=limits.TEXT)
    source = models.CharField(_("source"), max_length=10, choices=ProjectSource.choices)
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("demand it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    budget = models.DecimalField(_("budget (10,000 yuan)"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.CANDIDATE
    )
    session = models.ForeignKey(
        VoteSession,
        verbose_name=_("vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    votes_for = models.PositiveSmallIntegerField(_("votes in favour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    supervisors = models.ManyToManyField(
        Deputy, verbose_name=_("supervising deputies"), blank=True, related_name="supervised_projects"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    carried_from = models.PositiveSmallIntegerField(_("carried over from year"), null=True, blank=True)
    result = BoundedTextField(_("result"), blank=True, max_length=limits.TEXT)
    created_at = models.DateTimeField(_("proposed at"), default=now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "title"], name="project_title_unique_in_year"),
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="project_status_valid"),
            models.CheckConstraint(condition=Q(source__in=ProjectSource.values), name="project_source_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_at_most_100"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=[ProjectStatus.CANDIDATE]) | Q(session__isnull=False),
                name="project_voted_has_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class VoteChoice(models.TextChoices):
    FOR = "for", _("in favour")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class Ballot(TownOwned):
    """One deputy's ballot in a vote: one choice per candidate (``BallotChoice``)."""

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="ballots")
    deputy = models.ForeignKey(Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(_("cast at"), default=now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="ballot_one_per_deputy"),
        ]


class BallotChoice(TownOwned):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ballot_choices")
    choice = models.CharField(_("choice"), max_length=8, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once_per_project"),
            models.CheckConstraint(condition=Q(choice__in=VoteChoice.values), name="ballot_choice_valid"),
        ]


class PaperTally(TownOwned):
    """One candidate's line of a vote's paper tally sheet: the votes for, against and abstaining counted on
    paper (of ``VoteSession.tally_ballots`` ballots)."""

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="tally")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    votes_for = models.PositiveSmallIntegerField(_("votes in favour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)

    class Meta:
        verbose_name = _("tally sheet line")
        verbose_name_plural = _("tally sheet lines")
        constraints = [
            models.UniqueConstraint(fields=["session", "project"], name="paper_tally_once_per_project"),
        ]


class Milestone(TownOwned):
    """A dated step of an adopted project; done with evidence."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=80)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = BoundedTextField(_("evidence"), blank=True, max_length=limits.TEXT)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="milestone_title_unique_in_project"),
        ]

    def __str__(self) -> str:
        return self.title


class Inspection(TownOwned):
    """An on-site inspection by deputies, of a project or on a themed supervision: who went, what they
    found, the photos."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="inspections"
    )
    theme = models.ForeignKey(
        "Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="inspections"
    )
    lead = models.ForeignKey(Deputy, verbose_name=_("led by"), on_delete=models.PROTECT, related_name="+")
    deputies = models.ManyToManyField(Deputy, verbose_name=_("deputies present"), related_name="+")
    on = models.DateField(_("date"))
    findings = BoundedTextField(_("findings"), max_length=limits.TEXT)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, theme__isnull=True)
                | Q(project__isnull=True, theme__isnull=False),
                name="inspection_of_a_project_or_a_theme",
            )
        ]


class InspectionPhoto(TownOwned):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = CheckedFileField(_("photo"), upload_to=RandomName("inspections/%Y/%m/"))
    name = models.CharField(_("file name"), max_length=120)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class SatisfactionVote(TownOwned):
    """A deputy's verdict on a completed project (满意 / 基本满意 / 不满意)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="satisfaction_votes")
    deputy = models.ForeignKey(Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=12, choices=Satisfaction.choices)
    at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("satisfaction vote")
        verbose_name_plural = _("satisfaction votes")
        constraints = [
            models.UniqueConstraint(fields=["project", "deputy"], name="satisfaction_once_per_deputy"),
            models.CheckConstraint(condition=Q(verdict__in=Satisfaction.values), name="satisfaction_valid"),
        ]


class ProjectEvent(EventRow):
    """Append-only: one row per move or step of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(ProjectKind)

    Meta = EventRow.meta(
        ProjectKind, verbose=_("project event"), plural=_("project events"), check="project_event_kind_valid"
    )


class VoteEvent(EventRow):
    """Append-only: opening, each ballot, the count."""

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(VoteKind)

    Meta = EventRow.meta(
        VoteKind, verbose=_("vote event"), plural=_("vote events"), check="vote_event_kind_valid"
    )


# --- suggestions upward (代表建议) ------------------------------------------------------------------------
class SuggestionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the higher level")
    REPLIED = "replied", _("replied")
    HANDLED = "handled", _("handled")
    CLOSED = "closed", _("closed")


UPWARD_LEVELS = (DeputyLevel.COUNTY, DeputyLevel.CITY, DeputyLevel.PROVINCE)


class Suggestion(TownOwned):
    """A matter beyond the town carried to the county, city or provincial congress, with its demands."""

    title = models.CharField(_("title"), max_length=80)
    body = BoundedTextField(_("suggestion"), max_length=limits.TEXT)
    to_level = models.CharField(
        _("to the congress of"), max_length=10, choices=[(v, DeputyLevel(v).label) for v in UPWARD_LEVELS]
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reference = models.CharField(_("higher level's reference number"), max_length=40, blank=True)
    reply_from = models.CharField(_("replied by"), max_length=80, blank=True)
    reply = BoundedTextField(_("reply"), blank=True, max_length=limits.TEXT)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    handling = BoundedTextField(_("how it was handled"), blank=True, max_length=limits.TEXT)
    verdict = models.CharField(
        _("deputy's satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=now)

    class Meta:
        verbose_name = _("deputy's suggestion")
        verbose_name_plural = _("deputies' suggestions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
            models.CheckConstraint(condition=Q(to_level__in=UPWARD_LEVELS), name="suggestion_level_valid"),
            models.CheckConstraint(
                condition=Q(verdict__in=[*Satisfaction.values, ""]), name="suggestion_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SuggestionDemand(TownOwned):
    """A demand behind a suggestion: its citizen is told what the higher level replied."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="links")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="suggestion_links")

    class Meta:
        verbose_name = _("supporting demand")
        verbose_name_plural = _("supporting demands")
        constraints = [
            models.UniqueConstraint(fields=["demand"], name="suggestion_demand_once"),
        ]


class SuggestionEvent(EventRow):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(SuggestionKind)

    Meta = EventRow.meta(
        SuggestionKind,
        verbose=_("suggestion event"),
        plural=_("suggestion events"),
        check="suggestion_event_kind_valid",
    )


# --- inquiry (问政) and departments in the station (机关进站) ------------------------------------------------
class SessionKind(models.TextChoices):
    INQUIRY = "inquiry", _("inquiry session (问政)")
    OFFICE_DAY = "office_day", _("on-site office day")
    JOB_FAIR = "job_fair", _("job fair")


class InquiryStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CLOSED = "closed", _("closed")


class InquirySession(TownOwned):
    """Departments (and 一府一委两院) come to a station: deputies ask, they answer and commit; or they hold
    office on site, or a job fair; with what was done in figures."""

    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=80)
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned_on = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), related_name="+")
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("deputies present"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.PLANNED
    )
    summary = BoundedTextField(_("summary"), blank=True, max_length=limits.TEXT)
    households = models.PositiveIntegerField(_("households served"), default=0)
    certificates = models.PositiveIntegerField(_("certificates issued"), default=0)
    employers = models.PositiveIntegerField(_("employers"), default=0)
    vacancies = models.PositiveIntegerField(_("vacancies posted"), default=0)
    attendees = models.PositiveIntegerField(_("people attending"), default=0)

    class Meta:
        verbose_name = _("inquiry session")
        verbose_name_plural = _("inquiry sessions")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="inquiry_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=InquiryStatus.values), name="inquiry_status_valid"),
            models.CheckConstraint(
                condition=Q(status=InquiryStatus.PLANNED) | Q(held_on__isnull=False),
                name="inquiry_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(TownOwned):
    """A question gathered beforehand (from demands or deputies) for a department; its answer when given.
    A commitment made in the answer is a tracked item (``lianxin.tracking``) whose source is the question."""

    session = models.ForeignKey(InquirySession, on_delete=models.CASCADE, related_name="questions")
    text = BoundedTextField(_("question"), max_length=limits.TEXT)
    department = models.ForeignKey(
        Department, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        Deputy, verbose_name=_("asked by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("demand it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = BoundedTextField(_("answer"), blank=True, max_length=limits.TEXT)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:40]


class InquiryEvent(EventRow):
    session = models.ForeignKey(InquirySession, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(InquiryKind)

    Meta = EventRow.meta(
        InquiryKind, verbose=_("inquiry event"), plural=_("inquiry events"), check="inquiry_event_kind_valid"
    )


# --- themed supervision (专题督导) ----------------------------------------------------------------------------
class ThemeStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDERWAY = "underway", _("underway")
    CONCLUDED = "concluded", _("concluded")


class Theme(TownOwned):
    """A themed supervision over a period (e.g. the environment): its demands, the departments and
    neighbouring towns involved, the inspection days, the outcome in figures and the standing mechanism."""

    title = models.CharField(_("theme"), max_length=80)
    topic = models.CharField(_("topic"), max_length=40)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), related_name="+")
    neighbours = models.CharField(_("neighbouring towns involved"), max_length=200, blank=True)
    demands = models.ManyToManyField(Demand, verbose_name=_("linked demands"), blank=True, related_name="+")
    deputies = models.ManyToManyField(Deputy, verbose_name=_("deputies"), blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ThemeStatus.choices, default=ThemeStatus.PLANNED
    )
    outcome = BoundedTextField(_("outcome"), blank=True, max_length=limits.TEXT)
    tonnes_cleared = models.DecimalField(
        _("refuse cleared (tonnes)"), max_digits=8, decimal_places=1, default=0
    )
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    mechanism = BoundedTextField(_("standing mechanism agreed"), blank=True, max_length=limits.TEXT)

    class Meta:
        verbose_name = _("themed supervision")
        verbose_name_plural = _("themed supervisions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ThemeStatus.values), name="theme_status_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="theme_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(tonnes_cleared__gte=0), name="theme_tonnes_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=ThemeStatus.CONCLUDED) | ~Q(mechanism=""),
                name="theme_concluded_has_mechanism",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ThemeEvent(EventRow):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(ThemeKind)

    Meta = EventRow.meta(
        ThemeKind,
        verbose=_("themed supervision event"),
        plural=_("themed supervision events"),
        check="theme_event_kind_valid",
    )


# --- the industry station (产业代表联络站) ------------------------------------------------------------------
class Enterprise(TownOwned):
    """An enterprise the industry station serves; its contact person is personal data (encrypted, masked)."""

    name = models.CharField(_("name"), max_length=80)
    sector = models.CharField(_("sector"), max_length=40)
    cell = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_name = EncryptedTextField(
        _("contact person"), blank=True, max_length=limits.NAME, validators=[validate_person_name]
    )
    contact_phone = EncryptedPhoneField(_("contact phone"), blank=True, max_length=limits.PHONE)
    demands = models.ManyToManyField(
        Demand, verbose_name=_("demands raised"), through="EnterpriseDemand", related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="enterprise_name_unique_in_town")
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseDemand(TownOwned):
    """A demand an enterprise raised on the industry channel."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="demand_links")
    demand = models.OneToOneField(Demand, on_delete=models.CASCADE, related_name="enterprise_link")

    class Meta:
        verbose_name = _("enterprise's demand")
        verbose_name_plural = _("enterprises' demands")


class IndustryEventKind(models.TextChoices):
    DEPARTMENT_TALK = "department_talk", _("department policy talk")
    EXCHANGE_TRIP = "exchange_trip", _("exchange trip")
    SCHOOL_AGREEMENT = "school_agreement", _("school-enterprise agreement")
    JOB_FAIR = "job_fair", _("job fair")
    DONATION = "donation", _("donation and jobs by entrepreneur deputies")


class StationEventStatus(models.TextChoices):
    HELD = "held", _("held")
    COUNTED = "counted", _("outcome recorded")


class StationEvent(TownOwned):
    """Something the industry station did for its enterprises, and what came of it."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IndustryEventKind.choices)
    title = models.CharField(_("title"), max_length=80)
    held_on = models.DateField(_("held on"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises"), blank=True, related_name="events"
    )
    deputies = models.ManyToManyField(Deputy, verbose_name=_("deputies"), blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=StationEventStatus.choices, default=StationEventStatus.HELD
    )
    outcome = BoundedTextField(_("outcome"), blank=True, max_length=limits.TEXT)
    vacancies = models.PositiveIntegerField(_("vacancies posted"), default=0)
    jobs_added = models.PositiveIntegerField(_("jobs added"), default=0)
    donation_yuan = models.PositiveIntegerField(_("donations (yuan)"), default=0)

    class Meta:
        verbose_name = _("industry station event")
        verbose_name_plural = _("industry station events")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IndustryEventKind.values), name="station_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StationEventStatus.values), name="station_event_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StationEventEvent(EventRow):
    event = models.ForeignKey(StationEvent, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(IndustryKind)

    Meta = EventRow.meta(
        IndustryKind,
        verbose=_("industry station record"),
        plural=_("industry station records"),
        check="industry_event_kind_valid",
    )


# --- the year's supervision plan (年度监督计划) ------------------------------------------------------------
class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted by the presidium")


class SupervisionPlan(TownOwned):
    """The supervision plan the town congress presidium adopts for a year: themed supervisions, reports to
    be heard and inspections, each an item followed to done or dropped."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("drafted at"), default=now)

    class Meta:
        verbose_name = _("supervision plan")
        verbose_name_plural = _("supervision plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="supervision_plan_one_per_town_and_year"),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="supervision_plan_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.ADOPTED) | Q(adopted_on__isnull=False),
                name="supervision_plan_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanItemKindChoice(models.TextChoices):
    THEME = "theme", _("themed supervision")
    REPORT = "report", _("work report heard")
    INSPECTION = "inspection", _("inspection or survey")


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class PlanItem(TownOwned):
    """One item of the plan. A report item records the deputies' deliberation opinions when it is heard."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=PlanItemKindChoice.choices)
    subject = models.CharField(_("subject"), max_length=120)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.PositiveSmallIntegerField(_("planned month"))
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("themed supervision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = BoundedTextField(_("outcome"), blank=True, max_length=limits.TEXT)
    opinions = BoundedTextField(_("deliberation opinions"), blank=True, max_length=limits.TEXT)
    drop_reason = BoundedTextField(_("why dropped"), blank=True, max_length=limits.REASON)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["month", "planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanItemKindChoice.values), name="plan_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanItemStatus.values), name="plan_item_status_valid"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_item_month_valid"),
            models.CheckConstraint(
                condition=Q(theme__isnull=True) | Q(kind=PlanItemKindChoice.THEME),
                name="plan_item_theme_only_on_theme_items",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanItemStatus.DONE) | Q(done_on__isnull=False),
                name="plan_item_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class PlanEvent(EventRow):
    """Append-only: drafting, each item added, adoption."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(PlanKind)

    Meta = EventRow.meta(
        PlanKind,
        verbose=_("supervision plan event"),
        plural=_("supervision plan events"),
        check="plan_event_kind_valid",
    )


class PlanItemEvent(EventRow):
    """Append-only: an item heard, done or dropped."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="events")
    action = EventRow.kind_field(PlanItemKind)

    Meta = EventRow.meta(
        PlanItemKind,
        verbose=_("plan item event"),
        plural=_("plan item events"),
        check="plan_item_event_kind_valid",
    )
