"""Reads of supervision, each starting from ``restrict`` (the staff's ``view``, the visitor's ``public``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.workflow import Move, workflow_of

from .models import (
    Enterprise,
    IndustryEventKind,
    InquirySession,
    InquiryStatus,
    Inspection,
    InspectionPhoto,
    Milestone,
    PlanItem,
    PlanItemKindChoice,
    PlanItemStatus,
    Project,
    ProjectStatus,
    SessionKind,
    StationEvent,
    Suggestion,
    SupervisionPlan,
    Theme,
    VoteSession,
)
from .scopes import PUBLIC
from .workflow import NOT_ON_PAGES

PUBLIC_VISITOR = AnonymousUser()


def projects(*, user: Any, year: int | None = None) -> QuerySet[Project]:
    qs = Project.objects.restrict(user).select_related("department", "session")
    return qs.filter(year=year) if year else qs


def this_year() -> int:
    """The current year on the town's calendar (local date, settings.TIME_ZONE)."""
    return timezone.localdate(clock.now()).year


def year_chips(years: Any, asked: str | None) -> tuple[list[int], int]:
    """The years to offer as chips (those with projects, and always the current one) and the year shown:
    the one asked for, else the current year, never merely the newest year with a project (a candidate
    for next year must not hide this year's projects)."""
    current = this_year()
    chips = sorted(set(years) | {current}, reverse=True)
    return chips, (int(asked) if asked and asked.isdigit() else current)


def project_years(*, user: Any) -> list[int]:
    return sorted(set(Project.objects.restrict(user).values_list("year", flat=True)), reverse=True)


def project_totals(qs: QuerySet[Project]) -> dict[str, int]:
    voted = (ProjectStatus.ADOPTED, ProjectStatus.UNDERWAY, ProjectStatus.COMPLETED, ProjectStatus.DONE)
    return qs.aggregate(
        voted=Count("pk", filter=Q(status__in=voted)),
        done=Count("pk", filter=Q(status=ProjectStatus.DONE)),
        underway=Count("pk", filter=Q(status__in=(ProjectStatus.UNDERWAY, ProjectStatus.COMPLETED))),
        candidates=Count("pk", filter=Q(status__in=(ProjectStatus.CANDIDATE, ProjectStatus.VOTING))),
    )


def vote_sessions(*, user: Any) -> QuerySet[VoteSession]:
    return VoteSession.objects.restrict(user).annotate(voters=Count("ballots"))


def suggestions(*, user: Any) -> QuerySet[Suggestion]:
    return Suggestion.objects.restrict(user).select_related("deputy").annotate(demands=Count("links"))


def inquiry_sessions(*, user: Any) -> QuerySet[InquirySession]:
    return InquirySession.objects.restrict(user).select_related("station").annotate(asked=Count("questions"))


def inquiry_sessions_on(*, user: Any, day: dt.date) -> QuerySet[InquirySession]:
    """The sessions planned for (or held on) one day."""
    return inquiry_sessions(user=user).filter(Q(held_on=day) | Q(held_on__isnull=True, planned_on=day))


def inquiry_totals(qs: QuerySet[InquirySession]) -> dict[str, int]:
    held = ~Q(status=InquiryStatus.PLANNED)
    return qs.aggregate(
        inquiries=Count("pk", filter=held & Q(kind=SessionKind.INQUIRY)),
        office_days=Count("pk", filter=held & Q(kind=SessionKind.OFFICE_DAY)),
        job_fairs=Count("pk", filter=held & Q(kind=SessionKind.JOB_FAIR)),
        households=Coalesce(Sum("households"), 0),
        certificates=Coalesce(Sum("certificates"), 0),
        vacancies=Coalesce(Sum("vacancies"), 0),
        employers=Coalesce(Sum("employers"), 0),
    )


def themes(*, user: Any) -> QuerySet[Theme]:
    return Theme.objects.restrict(user).annotate(linked=Count("demands", distinct=True))


def enterprises(*, user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user).select_related("cell").annotate(raised=Count("demand_links"))


def station_events(*, user: Any) -> QuerySet[StationEvent]:
    return StationEvent.objects.restrict(user).annotate(companies=Count("enterprises", distinct=True))


def station_totals(qs: QuerySet[StationEvent]) -> dict[str, int]:
    kinds = {k: Count("pk", filter=Q(kind=k)) for k in IndustryEventKind.values}
    return qs.aggregate(
        **kinds,
        jobs_added=Coalesce(Sum("jobs_added"), 0),
        donation_yuan=Coalesce(Sum("donation_yuan"), 0),
        vacancies=Coalesce(Sum("vacancies"), 0),
    )


def moves_for(*, user: Any, obj: Any) -> list[Move]:
    return [m for m in workflow_of(type(obj)).allowed(user, obj) if m.action not in NOT_ON_PAGES]


@dataclass
class Entry:
    at: Any
    label: Any
    actor: Any
    note: str


def timeline(obj: Any, *, public: bool = False) -> list[Entry]:
    flow = workflow_of(type(obj))
    rows = obj.events.select_related("actor").order_by("at", "pk")
    return [
        Entry(
            r.at,
            flow.citizen_label(r.action) if public else flow.staff_label(r.action),
            None if public else r.actor,
            "" if public else r.note,
        )
        for r in rows
    ]


def milestones(project: Project, *, user: Any) -> QuerySet[Milestone]:
    return Milestone.objects.restrict(user).filter(project=project)


def inspections(subject: Project | Theme, *, user: Any) -> QuerySet[Inspection]:
    """The inspections of a project or a theme (an inspection names its subject by the model's name)."""
    return (
        Inspection.objects.restrict(user)
        .filter(**{subject._meta.model_name or "": subject})
        .select_related("lead")
        .prefetch_related("deputies", "photos")
    )


# --- public ---------------------------------------------------------------------------------------------
def public_projects(*, town: Town) -> QuerySet[Project]:
    return (
        Project.objects.restrict(PUBLIC_VISITOR, PUBLIC)
        .filter(town=town)
        .select_related("department")
        .order_by("-year", "title")
    )


def public_inspections(project: Project) -> QuerySet[Inspection]:
    return (
        Inspection.objects.restrict(PUBLIC_VISITOR, PUBLIC).filter(project=project).prefetch_related("photos")
    )


def public_milestones(project: Project) -> QuerySet[Milestone]:
    return Milestone.objects.restrict(PUBLIC_VISITOR, PUBLIC).filter(project=project)


def photos_visible_to(user: Any) -> QuerySet[InspectionPhoto]:
    """A signed-in reader reads their towns' photos; anyone the photos of public projects."""
    staff = InspectionPhoto.objects.restrict(user)
    public = InspectionPhoto.objects.restrict(PUBLIC_VISITOR, PUBLIC)
    return staff | public


# --- the year's supervision plan ------------------------------------------------------------------------
@dataclass
class Progress:
    """Counts of a plan's items (of one kind, or all): still planned, done, dropped; ``share`` is the
    whole percentage of the items kept in the plan (planned or done) that are done; a dropped item is
    no longer part of the plan. None when nothing is kept."""

    kind: str
    label: Any
    planned: int
    done: int
    dropped: int

    @property
    def kept(self) -> int:
        return self.planned + self.done

    @property
    def share(self) -> int | None:
        return round(100 * self.done / self.kept) if self.kept else None


def plan_progress(plan: SupervisionPlan) -> list[Progress]:
    """One row per kind of item (in the kinds' order), then the whole plan (kind ``all``)."""
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in plan.items.values("kind", "status").annotate(n=Count("pk")).order_by()
    }

    def count(kind: str | None, status: str) -> int:
        return sum(n for (k, s), n in counts.items() if s == status and kind in (None, k))

    rows = [
        Progress(
            kind,
            label,
            count(kind, PlanItemStatus.PLANNED),
            count(kind, PlanItemStatus.DONE),
            count(kind, PlanItemStatus.DROPPED),
        )
        for kind, label in PlanItemKindChoice.choices
    ]
    total = Progress(
        "all",
        _("whole plan"),
        count(None, PlanItemStatus.PLANNED),
        count(None, PlanItemStatus.DONE),
        count(None, PlanItemStatus.DROPPED),
    )
    return [*rows, total]


def plans(*, user: Any) -> QuerySet[SupervisionPlan]:
    return SupervisionPlan.objects.restrict(user)


def plan_of_year(*, user: Any, year: int | None = None) -> SupervisionPlan | None:
    """The plan of ``year``, or the latest one the user reads."""
    qs = plans(user=user)
    return (qs.filter(year=year) if year else qs).order_by("-year").first()


def plan_items(plan: SupervisionPlan, *, user: Any, public: bool = False) -> QuerySet[PlanItem]:
    qs = PlanItem.objects.restrict(PUBLIC_VISITOR, PUBLIC) if public else PlanItem.objects.restrict(user)
    return qs.filter(plan=plan).select_related("department", "theme")


def public_plan(*, town: Town, year: int | None = None) -> SupervisionPlan | None:
    qs = SupervisionPlan.objects.restrict(PUBLIC_VISITOR, PUBLIC).filter(town=town)
    return (qs.filter(year=year) if year else qs).order_by("-year").first()
