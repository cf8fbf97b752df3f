"""The writes of insight: the daily warnings scan, and the presidium's decisions on a warning."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDay
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands.models import Category, Demand
from lianxin.jobs import services as jobs
from lianxin.jobs.models import Job
from lianxin.people.models import Department
from lianxin.territory.models import GridCell

from . import detect, importer
from .events import WarningEventKind
from .jobs import LEDGER_IMPORT, MONTHLY_REPORT
from .models import (
    EarlyWarning,
    WarningKind,
    WarningStatus,
)


def _flow() -> Workflow:
    return workflow_of(EarlyWarning)


def _iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes")


def _ids(
    town_id: int, since: dt.datetime, until: dt.datetime, cells: Iterable[int], category: int | None
) -> list[int]:
    qs = Demand.objects.filter(
        town_id=town_id, cell_id__in=list(cells), created_at__gte=since, created_at__lt=until
    )
    if category is not None:
        qs = qs.filter(category_id=category)
    return sorted(qs.values_list("pk", flat=True))


def _raise(
    *,
    town_id: int,
    kind: str,
    existing: EarlyWarning | None,
    key: str,
    title: str,
    cell: int | None,
    category: int | None,
    since: dt.datetime,
    at: dt.datetime,
    observed: int,
    expected: float | None,
    p_value: float | None,
    ids: list[int],
    evidence: dict[str, Any],
) -> str:
    """Create the warning, or bring an open one of the same subject up to date. A warning the presidium
    already dismissed or acted on is not raised again for the same episode."""
    fields = {
        "last_detected_at": at,
        "window_start": since,
        "window_end": at,
        "observed": observed,
        "expected": expected,
        "p_value": p_value,
        "evidence": evidence,
    }
    if existing is not None:
        if existing.status != WarningStatus.OPEN:
            return "kept"
        merged = sorted(set(existing.demand_ids) | set(ids))
        changed = merged != sorted(existing.demand_ids)
        EarlyWarning.objects.filter(pk=existing.pk).update(demand_ids=merged, **fields)
        if changed:
            existing.refresh_from_db()
            _flow().step(
                existing, WarningEventKind.REDETECT, None, note=_("%(n)d demands") % {"n": len(merged)}
            )
        return "updated"
    warning = EarlyWarning.objects.create(
        town_id=town_id,
        kind=kind,
        key=key,
        title=title[:120],
        cell_id=cell,
        category_id=category,
        first_detected_at=at,
        demand_ids=ids,
        **fields,
    )
    _flow().emit(
        warning, WarningEventKind.DETECT, None, before="", after=WarningStatus.OPEN, note=title[:120]
    )
    return "created"


def _recent(town_id: int, kind: str, since: dt.datetime, **filters: Any) -> list[EarlyWarning]:
    return list(
        EarlyWarning.objects.filter(
            town_id=town_id, kind=kind, last_detected_at__gte=since, **filters
        ).order_by("-last_detected_at")
    )


@transaction.atomic
def warnings_scan(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, int]:
    """The daily job. For each town:

    1. rising trends: one grouped query of each cell's window and baseline counts, the Poisson test;
    2. recurring categories: one grouped query of (cell, category) counts, summed over each cell's
       neighbourhood, the same test against the neighbourhood's own baseline;
    3. recurring texts: the window's demands (id, cell, category, text), jieba tokens, linked groups.

    Returns how many warnings were created, updated, and kept as they were (dismissed or acted on).
    """
    at = at or clock.now()
    out = {"created": 0, "updated": 0, "kept": 0}
    towns = Demand.objects.filter(created_at__lt=at).values_list("town_id", flat=True).distinct()
    if town_id is not None:
        towns = towns.filter(town_id=town_id)
    cell_names = {}
    for tid in list(towns.order_by()):
        cells = {c.pk: c for c in GridCell.objects.filter(town_id=tid)}
        cell_names = {pk: c.name for pk, c in cells.items()}
        near = detect.neighbours({pk: c.boundary for pk, c in cells.items()})
        for result in (
            _trends(tid, at, cell_names),
            _categories(tid, at, cell_names, near),
            _texts(tid, at, cell_names, near),
        ):
            for k, v in result.items():
                out[k] += v
    return out


def _count(results: dict[str, int], outcome: str) -> None:
    results[outcome] = results.get(outcome, 0) + 1


def _trends(tid: int, at: dt.datetime, names: dict[int, str]) -> dict[str, int]:
    results: dict[str, int] = {}
    w0 = at - dt.timedelta(days=detect.TREND_WINDOW_DAYS)
    b0 = w0 - dt.timedelta(days=detect.TREND_BASELINE_DAYS)
    rows = (
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__gte=b0, created_at__lt=at)
        .values("cell")
        .annotate(
            window=Count("pk", filter=Q(created_at__gte=w0)), base=Count("pk", filter=Q(created_at__lt=w0))
        )
        .order_by("cell")
    )
    for row in rows:
        t = detect.rising(row["window"], row["base"])
        if not t.rising:
            continue
        cell = row["cell"]
        recent = _recent(tid, WarningKind.RISING, w0, cell_id=cell)
        ids = _ids(tid, w0, at, [cell], None)
        daily = dict(
            Demand.objects.filter(pk__in=ids)
            .annotate(day=TruncDay("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
        evidence = {
            "method": "trend",
            "test": "Poisson upper tail",
            "window_days": detect.TREND_WINDOW_DAYS,
            "baseline_days": detect.TREND_BASELINE_DAYS,
            "baseline_count": row["base"],
            "observed": t.observed,
            "expected": t.expected,
            "p_value": t.p_value,
            "alpha": detect.TREND_ALPHA,
            "daily": {f"{timezone.localtime(d):%Y-%m-%d}": n for d, n in sorted(daily.items())},
        }
        title = _("%(cell)s: %(n)d demands in %(days)d days, %(e).1f expected") % {
            "cell": names.get(cell, ""),
            "n": t.observed,
            "days": detect.TREND_WINDOW_DAYS,
            "e": t.expected,
        }
        _count(
            results,
            _raise(
                town_id=tid,
                kind=WarningKind.RISING,
                existing=recent[0] if recent else None,
                key=f"trend:{cell}:{at:%Y%m%d}",
                title=title,
                cell=cell,
                category=None,
                since=w0,
                at=at,
                observed=t.observed,
                expected=t.expected,
                p_value=t.p_value,
                ids=ids,
                evidence=evidence,
            ),
        )
    return results


def _categories(
    tid: int, at: dt.datetime, names: dict[int, str], near: dict[int, set[int]]
) -> dict[str, int]:
    results: dict[str, int] = {}
    days = detect.CLUSTER_WINDOW_DAYS
    w0 = at - dt.timedelta(days=days)
    b0 = w0 - dt.timedelta(days=detect.TREND_BASELINE_DAYS)
    rows = (
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__gte=b0, created_at__lt=at)
        .values("cell", "category")
        .annotate(
            window=Count("pk", filter=Q(created_at__gte=w0)), base=Count("pk", filter=Q(created_at__lt=w0))
        )
        .order_by()
    )
    totals = detect.neighbourhood_counts(
        ((r["cell"], r["category"], r["window"], r["base"]) for r in rows), near
    )
    flagged = []
    for (cell, cat), (w, b) in totals.items():
        t = detect.rising(w, b, window_days=days)
        if t.rising:
            flagged.append((t.p_value, -w, cell, cat, t, b))
    flagged.sort()
    covered: list[tuple[int, set[int]]] = []
    category_names = dict(Category.objects.filter(town_id=tid).values_list("pk", "name"))
    for _p, _w, cell, cat, t, b in flagged:
        ids = _ids(tid, w0, at, near.get(cell, {cell}), cat)
        # a neighbour's cluster of the same category that holds these demands already says it
        if any(c == cat and set(ids) <= seen for c, seen in covered):
            continue
        covered.append((cat, set(ids)))
        recent = [
            x
            for x in _recent(tid, WarningKind.RECURRING, w0, category_id=cat, evidence__method="category")
            if set(x.demand_ids) & set(ids)
        ]
        cells = sorted(near.get(cell, {cell}))
        evidence = {
            "method": "category",
            "test": "Poisson upper tail",
            "window_days": days,
            "baseline_days": detect.TREND_BASELINE_DAYS,
            "baseline_count": b,
            "observed": t.observed,
            "expected": t.expected,
            "p_value": t.p_value,
            "alpha": detect.TREND_ALPHA,
            "cells": [names.get(c, "") for c in cells],
        }
        title = _("%(category)s recurring around %(cell)s: %(n)d in %(days)d days") % {
            "category": category_names.get(cat, ""),
            "cell": names.get(cell, ""),
            "n": t.observed,
            "days": days,
        }
        _count(
            results,
            _raise(
                town_id=tid,
                kind=WarningKind.RECURRING,
                existing=recent[0] if recent else None,
                key=f"category:{cell}:{cat}:{at:%Y%m%d}",
                title=title,
                cell=cell,
                category=cat,
                since=w0,
                at=at,
                observed=t.observed,
                expected=t.expected,
                p_value=t.p_value,
                ids=ids,
                evidence=evidence,
            ),
        )
    return results


def _texts(tid: int, at: dt.datetime, names: dict[int, str], near: dict[int, set[int]]) -> dict[str, int]:
    results: dict[str, int] = {}
    days = detect.CLUSTER_WINDOW_DAYS
    w0 = at - dt.timedelta(days=days)
    rows = (
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__gte=w0, created_at__lt=at)
        .exclude(merged_into__isnull=False)
        .values_list("pk", "cell", "category", "title", "description")
        .order_by("pk")
    )
    items = [detect.Item(pk, cell, cat, f"{title} {text}") for pk, cell, cat, title, text in rows]
    clusters = detect.text_clusters(items, near)
    if not clusters:
        return results
    previous = _recent(tid, WarningKind.RECURRING, w0, evidence__method="text")
    for cluster in clusters:
        ids = cluster.ids
        recent = [x for x in previous if set(x.demand_ids) & set(ids)]
        cells = sorted({i.cell for i in cluster.items if i.cell is not None})
        cats = [i.category for i in cluster.items]
        category = max(set(cats), key=cats.count)
        evidence = {
            "method": "text",
            "window_days": days,
            "similarity": detect.TEXT_SIMILARITY,
            "similarity_same_category": detect.TEXT_SIMILARITY_SAME_CATEGORY,
            "tokens": cluster.shared,
            "cells": [names.get(c, "") for c in cells],
            "observed": len(ids),
        }
        title = _("Recurring: %(words)s (%(n)d demands, %(cells)s)") % {
            "words": "、".join(cluster.shared[:3]) or "—",
            "n": len(ids),
            "cells": "、".join(names.get(c, "") for c in cells[:3]),
        }
        _count(
            results,
            _raise(
                town_id=tid,
                kind=WarningKind.RECURRING,
                existing=recent[0] if recent else None,
                key=f"text:{ids[0]}",
                title=title,
                cell=cells[0] if len(cells) == 1 else cluster.items[0].cell,
                category=category,
                since=w0,
                at=at,
                observed=len(ids),
                expected=None,
                p_value=None,
                ids=ids,
                evidence=evidence,
            ),
        )
    return results


# --- decisions ---------------------------------------------------------------------------------------
@transaction.atomic
def warning_dismiss(*, warning: EarlyWarning, actor: Any, reason: str) -> EarlyWarning:
    """Not a real subject (or already handled): say why; the scan will not raise the same episode again."""
    flow = _flow()
    flow.check(actor, WarningEventKind.DISMISS, warning)
    # a blank reason is refused by the table (requires_reason)
    return flow.transition(
        warning,
        WarningEventKind.DISMISS,
        actor,
        checked=True,
        note=reason.strip(),
        reason=reason.strip(),
        acted_by=actor,
        acted_at=clock.now(),
    )


@transaction.atomic
def warning_make_topic(*, warning: EarlyWarning, actor: Any, month: dt.date) -> EarlyWarning:
    """每月一题: the subject becomes the month's topic; its effect is read as the volume before and after."""
    flow = _flow()
    flow.check(actor, WarningEventKind.MAKE_TOPIC, warning)
    if month is None:
        raise ValidationError({"month": _("Choose the month of the topic.")})
    first = month.replace(day=1)
    return flow.transition(
        warning,
        WarningEventKind.MAKE_TOPIC,
        actor,
        checked=True,
        note=f"{first:%Y-%m}",
        topic_month=first,
        acted_by=actor,
        acted_at=clock.now(),
    )


@transaction.atomic
def warning_make_proactive(
    *, warning: EarlyWarning, actor: Any, title: str, plan: str, department: Department, due_at: dt.datetime
) -> EarlyWarning:
    """未诉先办: a tracked item (owner, plan, deadline, under the supervision lights) raised from the warning."""
    from lianxin.tracking.services import tracked_item_open

    flow = _flow()
    flow.check(actor, WarningEventKind.MAKE_PROACTIVE, warning)
    if department is None or department.town_id != warning.town_id:
        raise ValidationError({"department": _("Choose a department of this town.")})
    item = tracked_item_open(
        town=warning.town,
        origin="early_warning",
        title=title,
        details=plan,
        department=department,
        due_at=due_at,
        actor=actor,
        source=warning,
    )
    return flow.transition(
        warning,
        WarningEventKind.MAKE_PROACTIVE,
        actor,
        checked=True,
        note=item.title,
        data={"item": item},
        tracked_item=item,
        acted_by=actor,
        acted_at=clock.now(),
    )


# --- importing old ledgers ------------------------------------------------------------------------------
def _stored(folder: str, ext: str, data: bytes) -> str:
    """Keep ``data`` as a file under MEDIA_ROOT/jobs/<folder>/ with a random name: files never go in the
    database, and are read only through a view that checks the reader (``core/media.py``)."""
    name: str = default_storage.save(
        f"jobs/{folder}/{clock.now():%Y/%m}/{uuid.uuid4().hex}.{ext}", ContentFile(data)
    )
    return name


def import_job_start(*, town: Any, actor: Any, filename: str, content: bytes, dry_run: bool) -> Job:
    """Keep the upload as a stored file and hand the import to the worker (a job of the job app)."""
    fmt = importer.format_of(filename)
    return jobs.job_start(
        kind=LEDGER_IMPORT.kind,
        title=filename,
        owner=actor,
        town=town,
        params={
            "filename": filename[:200],
            "fmt": fmt,
            "dry_run": dry_run,
            "upload": _stored("imports", fmt, content),
        },
    )


def import_job_write(step: jobs.Step) -> None:
    """The job kind's run: read, check and write the rows, writing the progress as it goes. A sheet that
    cannot be read fails the job with the reason, for the presidium to read (not a worker's traceback)."""
    job = step.job
    try:
        with default_storage.open(job.params["upload"], "rb") as f:
            rows = importer.read_rows(f.read(), job.params["fmt"], beat=step.beat)
    except OSError as e:  # removed after the keep days: a retry this late has nothing to read
        raise jobs.Refused(_("The uploaded file is no longer kept: upload it again.")) from e
    except importer.FileError as e:
        raise jobs.Refused(str(e)) from e
    step.progress(0, len(rows))

    def progress(done: int, report: importer.Report) -> None:
        step.progress(done)
        step.report(created=report.created, skipped=report.skipped, refused=report.failed)

    assert job.town is not None  # an import is always one town's (job_start was given it)
    report = importer.import_rows(
        town=job.town, rows=rows, actor=job.owner, dry_run=job.params["dry_run"], progress=progress
    )
    step.progress(report.total, max(report.total, job.total))
    step.report(
        created=report.created,
        skipped=report.skipped,
        refused=report.failed,
        errors=[e.as_dict() for e in report.errors[: importer.KEPT_ERRORS]],
        errors_left_off=max(0, len(report.errors) - importer.KEPT_ERRORS),
    )


def import_job_run(*, job_id: int) -> Job:
    """The worker's part (``jobs.job_run``), named here for the callers that run an import in place."""
    return jobs.job_run(job_id=job_id)


# --- monthly reports ------------------------------------------------------------------------------------
def report_request(*, county: Any, town: Any, month: dt.date, actor: Any) -> Job:
    """Queue a month's report of a town (or of the county, ``town`` None) for the worker: a job of the job
    app, its month and county in the job's parameters."""
    if town is not None and town.county_id != county.pk:
        raise ValidationError(_("This town is not of the county."))
    month = month.replace(day=1)
    place = town.name if town is not None else county.name
    return jobs.job_start(
        kind=MONTHLY_REPORT.kind,
        title=f"{place} · {month:%Y-%m}",
        owner=actor,
        town=town,
        params={"county": county.pk, "month": month.isoformat()},
        total=100,  # the report counts in percent, not rows
    )


def report_subject(job: Job) -> Any:
    """What a report job is of, read back from its row."""
    from lianxin.core.models import County

    from .reports import Subject

    return Subject(
        county=County.objects.get(pk=job.params["county"]),
        town=job.town,
        month=dt.date.fromisoformat(job.params["month"]),
    )


def report_write(step: Any) -> None:
    """The worker's part: the figures, the PDF (the job's file) and the workbook (its second file)."""
    from . import reports

    step.progress(5, 100)
    pdf, xlsx = reports.make(report_subject(step.job), step.progress)
    with open(step.path("pdf"), "wb") as out:
        out.write(pdf)
    with open(step.second_path("xlsx"), "wb") as out:
        out.write(xlsx)
    step.progress(100)


def reports_monthly(*, at: dt.datetime | None = None) -> int:
    """The monthly schedule: last month's report of every town and every county, unless already made (or
    being made: only a failed one is asked for again)."""
    from lianxin.core.models import County, Town
    from lianxin.jobs.models import JobState

    today = timezone.localdate(at or clock.now())
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    made = 0
    targets = [(t.county, t) for t in Town.objects.select_related("county")] + [
        (c, None) for c in County.objects.all()
    ]
    for county, town in targets:
        exists = Job.objects.filter(
            kind=MONTHLY_REPORT.kind, town=town, params__county=county.pk, params__month=month.isoformat()
        ).exclude(state=JobState.FAILED)
        if exists.exists():
            continue
        with transaction.atomic():
            report_request(county=county, town=town, month=month, actor=None)
        made += 1
    return made
