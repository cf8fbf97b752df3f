"""The kinds of job, each registered by the app that owns it through its kit (``kit(label).add("jobs", …)``).

A kind names what the worker runs (``run(step)``: it reads the job from ``step.job``, reports progress through
``step.progress`` and writes its file to ``step.path(ext)``), how its page names the file, and who may read a
job of it besides its owner (nobody, by default). The job app reads them with ``everywhere("jobs")`` and
imports no domain app.

A kind also names the capability needed to make a job of it and to open it later (``capability``), and
whether what its file holds was read through its owner's scope (``follows_owner``: an export). Such a job
records its owner's standing when it starts (``standing``: the capabilities that decide which rows one reads,
the town and county one works in, and what the kind's ``scope`` adds, e.g. the department or the grid cells),
and ``may_open`` compares it again on every request: a file made under rights its owner no longer holds is
not theirs to download any more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianxin.core.access import READING, can, is_signed_in, towns_visible_to
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
    # The capability needed to make a job of this kind, and to open it (its page and its file) afterwards.
    capability: str = ""
    # Its rows were read as its owner reads them (an export): the owner's standing is recorded at the start
    # and must be the same at every download. ``scope`` adds what the rows' scope rule reads besides
    # capabilities and the town (the department one works in, the cells one serves), as plain values.
    follows_owner: bool = False
    scope: Callable[[Any], dict[str, Any]] | None = None
    # What ``jobs_clean`` removes besides the job's own files when it expires (an import's upload): the keys
    # of ``params`` that name a stored file, and the keys of ``result`` that hold the rows' own words (the
    # refused rows quoted); the counts the page shows stay.
    stored_params: tuple[str, ...] = ()
    result_rows: tuple[str, ...] = ()

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


def standing(kind: JobKind, user: Any) -> dict[str, Any]:
    """What decided the rows of a job of ``kind`` read as ``user``, as plain values kept with the job."""
    return {
        "capabilities": sorted(str(c) for c in READING if can(user, c)),
        "town": getattr(user, "town_id", None),
        "county": getattr(user, "county_id", None),
        **(kind.scope(user) if kind.scope is not None else {}),
    }


def may_make(kind: JobKind, user: Any) -> bool:
    """Whether ``user`` may ask for a job of ``kind`` (a schedule, asking for nobody, always may)."""
    if not getattr(user, "pk", None):
        return True
    return not kind.capability or can(user, kind.capability)


def may_open(kind: JobKind, user: Any, job: Any) -> bool:
    """Whether ``user`` may open ``job`` now: asked on every request, never remembered from the start.

    1. the kind lets them read it (its owner, or whom ``may_read`` admits);
    2. they are signed in and active, and still hold the kind's capability;
    3. the job's town is still one of theirs;
    4. a job whose rows followed its owner: they are its owner, and their standing is the one it was made
       under (a presidium now an observer, staff moved to another department, a deputy given other cells).
    """
    if not kind.may_read(user, job) or not is_signed_in(user):
        return False
    if kind.capability and not can(user, kind.capability):
        return False
    if job.town_id is not None and not towns_visible_to(user).filter(pk=job.town_id).exists():
        return False
    if kind.follows_owner:
        return job.owner_id == user.pk and job.scope == standing(kind, user)
    return True
