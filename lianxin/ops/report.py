"""Readiness as one report: every check of ``checks.CHECKS`` run once, each outcome ok, warn or fail.

The overall status is "fail" when any check fails (the site cannot serve: HTTP 503, ``manage status`` exits
1), "degraded" when one warns (it serves, someone should look: HTTP 200), "ok" otherwise. The same report
feeds /readyz and ``lianxin manage status``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import timeit
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.utils.translation import gettext as _
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import HealthCheckException, ServiceWarning

from .checks import CHECKS, Probe

OK, WARN, FAIL = "ok", "warn", "fail"
OVERALL = {OK: "ok", WARN: "degraded", FAIL: "fail"}


@dataclasses.dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    level: str
    message: str
    figures: dict[str, Any]
    seconds: float


@dataclasses.dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    @property
    def status(self) -> str:
        levels = {o.level for o in self.outcomes}
        return OVERALL[FAIL if FAIL in levels else WARN if WARN in levels else OK]

    @property
    def ready(self) -> bool:
        """Serving is possible: nothing failed (a warning still serves)."""
        return self.status != OVERALL[FAIL]

    def as_json(self, *, details: bool) -> dict[str, Any]:
        """The overall status and each check's status; with ``details`` its label, message and figures too."""
        checks: dict[str, Any] = {}
        for o in self.outcomes:
            checks[o.key] = {"status": o.level}
            if details:
                checks[o.key].update(
                    label=o.label, message=o.message, figures=o.figures, seconds=round(o.seconds, 3)
                )
        return {"status": self.status, "checks": checks}


logger = logging.getLogger(__name__)


async def _gather(checks: list[HealthCheck]) -> list[HealthCheckResult]:
    return list(await asyncio.gather(*(check.get_result() for check in checks)))


def _library(checks: list[HealthCheck]) -> list[HealthCheckResult]:
    """The library's checks (cache, storage) through its own async runner, on a thread of their own with a
    loop of their own: the caller's thread may already run an event loop (an ASGI server, a test driving a
    browser), where ``async_to_sync`` refuses to run. They touch no database connection of the caller's."""
    if not checks:
        return []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness") as pool:
        return pool.submit(asyncio.run, _gather(checks)).result()


def _ours(check: Probe) -> HealthCheckResult:
    """One of our probes, run here on the caller's thread and its database connection (in a test, the test's
    own transaction), with the library's outcome shape."""
    started = timeit.default_timer()
    error: HealthCheckException | None = None
    try:
        check._probe()
    except HealthCheckException as exc:
        error = exc
    except Exception:  # what the library does too: logged, and a generic message for the reader
        logger.exception("readiness check %s failed unexpectedly", type(check).__name__)
        error = HealthCheckException("unknown error")
    return HealthCheckResult(check=check, error=error, time_taken=timeit.default_timer() - started)


def _outcome(key: str, label: str, result: HealthCheckResult) -> Outcome:
    error = result.error
    level = OK if error is None else WARN if isinstance(error, ServiceWarning) else FAIL
    if error is None:
        message = _("ok")
    elif isinstance(result.check, Probe):
        message = str(error.message)  # ours: already a sentence in the reader's language
    else:
        message = str(error)  # the library's, e.g. "Unexpected Result: Connection Error"
    figures = dict(result.check.figures) if isinstance(result.check, Probe) else {}
    return Outcome(key, _(label), level, message, figures, result.time_taken)


def readiness() -> Report:
    """Run every check (ours on this thread, in turn; the library's beside them) and collect the outcomes."""
    checks = [entry.make() for entry in CHECKS]
    theirs = iter(_library([c for c in checks if not isinstance(c, Probe)]))
    results = [_ours(c) if isinstance(c, Probe) else next(theirs) for c in checks]
    return Report([_outcome(e.key, e.label, r) for e, r in zip(CHECKS, results, strict=True)])
