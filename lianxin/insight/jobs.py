"""Insight's job kinds: the ledger import runs in the worker as a job of the job app (``lianxin.jobs``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.jobs.kinds import JobKind


def _run(step: Any) -> None:
    from .services import import_job_write

    import_job_write(step)


def town_office(user: Any, job: Any) -> bool:
    """An import is the town's: its presidium reads it, whoever of them uploaded it; no other town does."""
    town_id = getattr(user, "town_id", None)
    return bool(town_id) and job.town_id == town_id and can(user, Capability.ACT_ON_INSIGHT)


LEDGER_IMPORT = JobKind(
    kind="insight.ledger_import",
    label=_("ledger import"),
    run=_run,
    may_read=town_office,
    download=None,
    result="insight/_import_result.html",
)
