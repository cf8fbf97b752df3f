"""What the supervision workflows share: their tables, the deputies involved, refusing bad input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from lianxin.core.workflow import Workflow, workflow_of

from ..events import (
    ProjectKind,
)
from ..models import (
    Project,
    ProjectStatus,
    Suggestion,
    VoteSession,
)
from ..permissions import deputy_of

PK = ProjectKind
PS = ProjectStatus


def _projects() -> Workflow:
    return workflow_of(Project)


def _votes() -> Workflow:
    return workflow_of(VoteSession)


def _suggestions() -> Workflow:
    return workflow_of(Suggestion)


def others(actor: Any, deputies: Iterable[Any]) -> list[int]:
    """The primary keys of ``deputies`` other than the actor's own deputy (for ``data["deputies"]``)."""
    mine = getattr(deputy_of(actor), "pk", None)
    return sorted({d.pk if hasattr(d, "pk") else int(d) for d in deputies} - {mine})


def _require(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
