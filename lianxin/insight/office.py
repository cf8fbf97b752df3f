"""The office's figures beside the demands: disputes, livelihood projects, inquiries, suggestions upward, the
deputies' duty and the early warnings, counted from the records of the towns in a period.

Read by the monthly report (``reports.py``), the presidium's annual work report (年度工作报告, ``annual``) and the
dashboard's headline (``headline``: since the records begin). The duty figures come from the duty app through
the kit (``figures``), the rest from the apps below insight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from lianxin.core.kit import everywhere
from lianxin.disputes.events import Event as DisputeEventKind
from lianxin.disputes.models import Dispute, DisputeEvent
from lianxin.supervision.models import (
    InquirySession,
    InquiryStatus,
    Project,
    ProjectStatus,
    Suggestion,
)

from .models import EarlyWarning, WarningStatus

VOTED = (ProjectStatus.ADOPTED, ProjectStatus.UNDERWAY, ProjectStatus.COMPLETED, ProjectStatus.DONE)
FINISHED = (ProjectStatus.COMPLETED, ProjectStatus.DONE)
ACTED = (WarningStatus.PROACTIVE, WarningStatus.TOPIC)


@dataclass
class ProjectLine:
    title: str
    status: str
    progress: int


@dataclass
class Office:
    disputes_received: int = 0
    disputes_resolved: int = 0
    petition_risks_removed: int = 0
    projects_voted: int = 0
    projects_completed: int = 0
    projects_progress: int = 0  # the mean progress (%) of the year's voted projects
    projects: list[ProjectLine] = field(default_factory=list)
    inquiries_held: int = 0
    inquiry_attendees: int = 0
    suggestions_submitted: int = 0
    warnings_raised: int = 0
    warnings_acted: int = 0
    duty_entries: int = 0
    duty_deputies: int = 0
    policy_talks: int = 0
    duty_by_kind: list[tuple[str, int]] = field(default_factory=list)


def _between(name: str, start: dt.datetime | None, end: dt.datetime | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{name}__gte": start})
    if end is not None:
        q &= Q(**{f"{name}__lt": end})
    return q


def _duty(towns: list[int], start: dt.datetime | None, end: dt.datetime | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _label, provide in everywhere("figures"):
        out.update(provide(towns, start, end))
    return out


def figures(towns: list[int], start: dt.datetime, end: dt.datetime, *, year: int) -> Office:
    """The figures of ``towns`` from ``start`` to ``end`` (``end`` excluded); the projects are those of
    ``year`` (voted that year), with their progress now."""
    disputes = Dispute.objects.filter(town_id__in=towns)
    projects = Project.objects.filter(town_id__in=towns, year=year, status__in=VOTED)
    held = InquirySession.objects.filter(
        town_id__in=towns,
        status__in=[InquiryStatus.HELD, InquiryStatus.CLOSED],
        held_on__gte=timezone.localdate(start),
        held_on__lt=timezone.localdate(end),
    )
    warnings = EarlyWarning.objects.filter(_between("first_detected_at", start, end), town_id__in=towns)
    office = Office(
        disputes_received=disputes.filter(_between("created_at", start, end)).count(),
        disputes_resolved=disputes.filter(_between("resolved_at", start, end)).count(),
        petition_risks_removed=DisputeEvent.objects.filter(
            _between("at", start, end), town_id__in=towns, action=DisputeEventKind.CLEAR_PETITION_RISK
        ).count(),
        projects_voted=projects.count(),
        projects_completed=Project.objects.filter(
            _between("completed_at", start, end), town_id__in=towns, status__in=FINISHED
        ).count(),
        projects_progress=round(projects.aggregate(p=Avg("progress"))["p"] or 0),
        projects=[
            ProjectLine(p.title, str(p.get_status_display()), p.progress)
            for p in projects.order_by("-progress", "title")
        ],
        inquiries_held=held.count(),
        inquiry_attendees=sum(held.values_list("attendees", flat=True)),
        suggestions_submitted=Suggestion.objects.filter(
            _between("submitted_at", start, end), town_id__in=towns
        ).count(),
        warnings_raised=warnings.count(),
        warnings_acted=warnings.filter(status__in=ACTED).count(),
    )
    for key, value in _duty(towns, start, end).items():
        setattr(office, key, value)
    return office


@dataclass
class Headline:
    """The figures an office is asked for first, since the records begin."""

    disputes_resolved: int
    petition_risks_removed: int
    policy_talks: int


def headline(towns: list[int]) -> Headline:
    """Two queries: the disputes with their events, and the duty record."""
    duty = _duty(towns, None, None)
    counts = Dispute.objects.filter(town_id__in=towns).aggregate(
        resolved=Count("pk", filter=Q(resolved_at__isnull=False), distinct=True),
        removed=Count("events", filter=Q(events__action=DisputeEventKind.CLEAR_PETITION_RISK)),
    )
    return Headline(
        disputes_resolved=counts["resolved"],
        petition_risks_removed=counts["removed"],
        policy_talks=int(duty.get("policy_talks", 0)),
    )
