"""Which supervision rows each principal reads (registered by ``ready()``).

Projects, votes and suggestions are the town's business, not personal case files: the town's staff
(deputies, departments, the presidium, county viewers) read them all. The public reads the projects the
congress voted on (adopted or not: the result is published), their milestones and inspections, and the
counted votes; never a single deputy's ballot. It reads the year's supervision plans the presidium
adopted and their items, never a draft.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.core import scopes

from . import models as m

PUBLIC = "public"

for _model in (
    m.VoteSession,
    m.Project,
    m.Ballot,
    m.BallotChoice,
    m.PaperTally,
    m.Milestone,
    m.Inspection,
    m.InspectionPhoto,
    m.SatisfactionVote,
    m.ProjectEvent,
    m.VoteEvent,
    m.Suggestion,
    m.SuggestionDemand,
    m.SuggestionEvent,
    m.InquirySession,
    m.Question,
    m.InquiryEvent,
    m.Theme,
    m.ThemeEvent,
    m.Enterprise,
    m.EnterpriseDemand,
    m.StationEvent,
    m.StationEventEvent,
    m.SupervisionPlan,
    m.PlanItem,
    m.PlanEvent,
    m.PlanItemEvent,
):
    scopes.rule(_model)(scopes.staff)


@scopes.rule(m.Project, PUBLIC)
def public_projects(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(status__in=m.PUBLIC_PROJECT_STATUSES)


def _of_public_projects(path: str) -> scopes.Rule:
    def rule(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(**{f"{path}__status__in": m.PUBLIC_PROJECT_STATUSES})

    return rule


scopes.rule(m.Milestone, PUBLIC)(_of_public_projects("project"))
scopes.rule(m.Inspection, PUBLIC)(_of_public_projects("project"))
scopes.rule(m.InspectionPhoto, PUBLIC)(_of_public_projects("inspection__project"))


@scopes.rule(m.VoteSession, PUBLIC)
def counted_votes(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(status=m.VoteStatus.COUNTED)


@scopes.rule(m.SupervisionPlan, PUBLIC)
def adopted_plans(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The public reads the plans the presidium adopted (and their items), never a draft."""
    return qs.filter(status=m.PlanStatus.ADOPTED)


@scopes.rule(m.PlanItem, PUBLIC)
def items_of_adopted_plans(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(plan__status=m.PlanStatus.ADOPTED)
