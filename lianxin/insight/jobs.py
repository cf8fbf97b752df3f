"""Insight's job kinds, run in the worker as jobs of the job app (``lianxin.jobs``): the ledger import, and the
monthly report (a PDF as the job's file, the workbook as its second file)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.jobs.kinds import JobKind


def _run(step: Any) -> None:
    from .services import import_job_write

    import_job_write(step)


def _make_report(step: Any) -> None:
    from .services import report_write

    report_write(step)


def town_office(user: Any, job: Any) -> bool:
    """An import is the town's: its presidium reads it, whoever of them uploaded it; no other town does."""
    town_id = getattr(user, "town_id", None)
    return bool(town_id) and job.town_id == town_id and can(user, Capability.ACT_ON_INSIGHT)


LEDGER_IMPORT = JobKind(
    kind="insight.ledger_import",
    label=_("ledger import"),
    run=_run,
    may_read=town_office,
    capability=Capability.ACT_ON_INSIGHT,
    download=None,
    result="insight/_import_result.html",
    stored_params=("upload",),  # the uploaded ledger goes after the keep days, like an export's file
    result_rows=("errors", "warnings"),  # the rows quote the ledger; their counts stay
)


def report_reader(user: Any, job: Any) -> bool:
    """A town's report is read by who reads the town's dashboards, a county's by its county viewers, whoever
    asked for it (the schedule asks for most)."""
    from .selectors import reports_for

    return reports_for(user=user).filter(pk=job.pk).exists()


MONTHLY_REPORT = JobKind(
    kind="insight.monthly_report",
    label=_("monthly report"),
    run=_make_report,
    may_read=report_reader,
    capability=Capability.VIEW_INSIGHT,
    mimetype="application/pdf",
    download=None,  # two files: the report's own page links both (``insight:report_file``)
    expires=False,
    counts=False,  # a report counts percent, not rows
    result="insight/_report_result.html",
)
