"""Who may make which supervision move: the predicates (rules) the move tables in ``workflow.py`` name.

They ask capabilities, never role names. Which rows a principal reads at all is ``scopes.py``.
"""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.people.models import DeputyLevel


def deputy_of(user: Any) -> Any:
    """The deputy a user acts as in supervision (votes, inspections, suggestions), or None."""
    return getattr(user, "deputy", None) if can(user, Capability.ACT_AS_DEPUTY) else None


def _same_town(user: Any, obj: Any) -> bool:
    return getattr(user, "town_id", None) is not None and user.town_id == obj.town_id


@rules.predicate
def is_presidium(user: Any, obj: Any) -> bool:
    return can(user, Capability.SUPERVISE) and _same_town(user, obj)


@rules.predicate
def is_town_deputy(user: Any, obj: Any) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and deputy.town_id == obj.town_id and _same_town(user, obj)


@rules.predicate
def has_not_voted(user: Any, session: Any) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and not session.ballots.filter(deputy=deputy).exists()


@rules.predicate
def is_elector(user: Any, session: Any) -> bool:
    """The town congress's own deputies vote on its projects (township level)."""
    deputy = deputy_of(user)
    return deputy is not None and deputy.level == DeputyLevel.TOWNSHIP


@rules.predicate
def has_not_rated(user: Any, project: Any) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and not project.satisfaction_votes.filter(deputy=deputy).exists()


@rules.predicate
def supervises_project(user: Any, project: Any) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and project.supervisors.filter(pk=deputy.pk).exists()


@rules.predicate
def handles_project(user: Any, project: Any) -> bool:
    staff = getattr(user, "department_staff", None) if can(user, Capability.HANDLE_ASSIGNMENT) else None
    return (
        staff is not None
        and project.department_id is not None
        and staff.department_id == project.department_id
        and _same_town(user, project)
    )


@rules.predicate
def wrote_suggestion(user: Any, suggestion: Any) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and suggestion.deputy_id == deputy.pk


# A deputy casts their own ballot once; the presidium records deputies' paper ballots.
may_vote = (is_town_deputy & is_elector & has_not_voted) | is_presidium
may_rate = is_town_deputy & has_not_rated
runs_project = is_presidium | handles_project
inspects = is_presidium | supervises_project
keeps_suggestion = is_presidium | wrote_suggestion
# The deputy who wrote it rates the reply; the presidium does when the suggestion names no deputy.
rates_suggestion = wrote_suggestion | (is_presidium & rules.predicate(lambda u, s: s.deputy_id is None))


@rules.predicate
def answers_for_department(user: Any, session: Any) -> bool:
    """Staff of a department that comes to the session record its answers."""
    staff = getattr(user, "department_staff", None) if can(user, Capability.HANDLE_ASSIGNMENT) else None
    return (
        staff is not None
        and _same_town(user, session)
        and session.departments.filter(pk=staff.department_id).exists()
    )


asks = is_presidium | is_town_deputy
answers = is_presidium | answers_for_department
