"""The kinds of job, each registered by the app that owns it through its kit (``kit(label).add("jobs", …)``).

A kind names what the worker runs (``run(step)``: it reads the job from ``step.job``, reports progress through
``step.progress`` and writes its file to ``step.path(ext)``), how its page names the file, and who may read a
job of it besides its owner (nobody, by default). The job app reads them with ``everywhere("jobs")`` and
imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianxin.core.kit import everywhere


def owner_only(user: Any, job: Any) -> bool:
    return bool(job.owner_id) and job.owner_id == getattr(user, "pk", None)


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: Any
    run: Callable[[Any], None]
    may_read: Callable[[Any, Any], bool] = owner_only
    mimetype: str = "application/octet-stream"
    download: Any = None  # the download button's words; None for a job that leaves no file
    expires: bool = True  # its file is removed after JOB_KEEP_DAYS (a monthly report is kept)
    counts: bool = (
        True  # its progress counts rows (an export, an import); False: only the share done (a report)
    )
    # A template the progress box includes once the job is finished, for what the run reported besides its
    # file (an import's counts and refused rows), so the owning app's page needs no progress page of its own.
    result: str = ""

    def __hash__(self) -> int:
        return hash(self.kind)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JobKind) and other.kind == self.kind


def kind_of(name: str) -> JobKind:
    for _label, k in everywhere("jobs"):
        if k.kind == name:
            return k
    raise KeyError(f"no job kind {name!r}")


def all_kinds() -> list[JobKind]:
    return [k for _label, k in everywhere("jobs")]
