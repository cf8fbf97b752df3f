"""The writes of insight: the daily warnings scan, and the presidium's decisions on a warning."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Min
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
from .models import EarlyWarning, WarningDemand, WarningKind, WarningStatus


def _flow() -> Workflow:
    return workflow_of(EarlyWarning)


def _iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes")


def _recent_texts(tid: int, since: dt.datetime, until: dt.datetime) -> list[tuple[int, int, int, str, str]]:
    return list(
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__gte=since, created_at__lt=until)
        .exclude(merged_into__isnull=False)
        .values_list("pk", "cell", "category", "title", "description")
        .order_by("pk")
    )


@transaction.atomic
def warnings_scan(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, int]:
    """The daily job. For each town, one grouped query of the daily counts of every (cell, category) over
    the last weeks and one of each cell's first demand (imported ledgers count: their dates are their
    own), the count tests of ``detect.scan_counts``, the text clusters of the last fortnight and their
    baseline; then each signal continues the open warning of its subject (an episode) or begins one, and
    the warnings with no signal for ``detect.CLOSE_AFTER_DAYS`` end.

    Returns how many warnings were created, updated (an open one, again detected), kept (decided already:
    the episode is followed, nothing is raised) and ended."""
    at = at or clock.now()
    out = {"created": 0, "updated": 0, "kept": 0, "ended": 0}
    towns = Demand.objects.filter(created_at__lt=at).values_list("town_id", flat=True).distinct()
    if town_id is not None:
        towns = towns.filter(town_id=town_id)
    for tid in list(towns.order_by()):
        for k, v in _scan_town(tid, at).items():
            out[k] += v
    return out


def _scan_town(tid: int, at: dt.datetime) -> dict[str, int]:
    import numpy as np

    tz = timezone.get_current_timezone()
    results = {"created": 0, "updated": 0, "kept": 0, "ended": 0}
    cells = list(GridCell.objects.filter(town_id=tid).order_by("pk"))
    cats = dict(Category.objects.filter(town_id=tid).order_by("pk").values_list("pk", "name"))
    if not cells or not cats:
        return results
    cell_pos = {c.pk: i for i, c in enumerate(cells)}
    cat_ids = list(cats)
    cat_pos = {k: i for i, k in enumerate(cat_ids)}
    names = {c.pk: c.name for c in cells}
    near = detect.neighbours({c.pk: c.boundary for c in cells})
    last_day = timezone.localtime(at - dt.timedelta(microseconds=1), tz).date()
    length = detect.LOOKBACK_DAYS + 1
    first_day = last_day - dt.timedelta(days=length - 1)
    start = timezone.make_aware(dt.datetime.combine(first_day, dt.time()), tz)

    def col(moment: dt.datetime) -> int:
        return (timezone.localtime(moment, tz).date() - first_day).days

    counts = np.zeros((len(cells), len(cat_ids), length))
    rows = (
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__gte=start, created_at__lt=at)
        .exclude(merged_into__isnull=False)  # a duplicate merged into another is one demand, not two
        .annotate(day=TruncDay("created_at", tzinfo=tz))
        .values("cell", "category", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        if r["cell"] in cell_pos and r["category"] in cat_pos:
            counts[cell_pos[r["cell"]], cat_pos[r["category"]], col(r["day"])] += r["n"]
    firsts = dict(
        Demand.objects.filter(town_id=tid, cell__isnull=False, created_at__lt=at)
        .values("cell")
        .annotate(first=Min("created_at"))
        .values_list("cell", "first")
    )
    history = [col(firsts[c.pk]) if c.pk in firsts else 10**9 for c in cells]

    live = list(EarlyWarning.objects.filter(town_id=tid, ended_at__isnull=True, category__isnull=False))
    episodes = []
    for w in live:
        ids = {cell_pos[c] for c in w.evidence.get("cell_ids", [w.cell_id]) if c in cell_pos}
        if w.category_id not in cat_pos or not ids:
            continue
        e = detect.Episode(
            w.pk,
            cat_pos[w.category_id],
            ids,
            col(w.first_detected_at),
            col(w.last_detected_at - dt.timedelta(microseconds=1)),
            w.detections,
            w.strength or 0.0,
            baseline_until=col(w.baseline_until) if w.baseline_until else col(w.window_start),
        )
        episodes.append(e)
    hood = detect.hood_matrix(near, [c.pk for c in cells])
    signals, info = detect.scan_counts(
        counts, history=history, hood=hood, frozen=detect.frozen_baselines(episodes)
    )
    signals = list(signals) + _text_signals(tid, at, cells, cell_pos, cat_ids, cat_pos, near, history, col)
    today = length - 1
    updates, new, ended = detect.follow(episodes, signals, today)
    by_pk = {w.pk: w for w in live}
    context = {"tid": tid, "at": at, "cells": cells, "cat_ids": cat_ids, "cats": cats, "names": names}
    for e, s in updates:
        results[_continue(by_pk[e.key], s, info, context)] += 1
    for s in new:
        results[_begin(s, info, context)] += 1
    for e in ended:
        w = by_pk[e.key]
        EarlyWarning.objects.filter(pk=w.pk).update(ended_at=w.last_detected_at)
        w.refresh_from_db()
        _flow().step(w, WarningEventKind.END, None, note=f"{timezone.localtime(w.last_detected_at):%Y-%m-%d}")
        results["ended"] += 1
    return results


def _text_signals(
    tid: int,
    at: dt.datetime,
    cells: list[GridCell],
    cell_pos: dict[int, int],
    cat_ids: list[int],
    cat_pos: dict[int, int],
    near: dict[int, set[int]],
    history: list[int],
    col: Any,
) -> list[detect.Signal]:
    """Clusters of similar texts of the last fortnight that also rise over their own baseline: the
    demands of the same cells and their neighbours in the baseline weeks that carry the cluster's words."""
    days = detect.CLUSTER_WINDOW_DAYS
    w0 = at - dt.timedelta(days=days)
    b0 = w0 - dt.timedelta(days=detect.BASELINE_DAYS)
    rows = _recent_texts(tid, w0, at)
    items = [detect.Item(pk, cell, cat, f"{title} {text}") for pk, cell, cat, title, text in rows]
    titles = {pk: title for pk, _cell, _cat, title, _text in rows}
    out: list[detect.Signal] = []
    clusters = detect.text_clusters(items, near)
    if not clusters:
        return out
    older = _recent_texts(tid, b0, w0)
    for cluster in clusters:
        where = {i.cell for i in cluster.items if i.cell is not None}
        area = set().union(*(near.get(c, {c}) for c in where))
        # cold start: the cells' history must reach back a few weeks before the window
        if min(history[cell_pos[c]] for c in where if c in cell_pos) > col(w0) - detect.MIN_BASELINE_DAYS:
            continue
        words = detect.signature(cluster)
        before = detect.baseline_matches(
            words, (detect.tokens(f"{t} {d}") for _pk, c, _k, t, d in older if c in area)
        )
        t = detect.rising(len(cluster.items), before, window_days=days)
        if not t.rising:
            continue
        cats = [i.category for i in cluster.items]
        category = max(set(cats), key=cats.count)
        if category not in cat_pos:
            continue
        out.append(
            detect.Signal(
                kind="text",
                category=cat_pos[category],
                cells=tuple(sorted(cell_pos[c] for c in where if c in cell_pos)),
                observed=t.observed,
                expected=t.expected,
                p_value=t.p_value,
                baseline=before,
                baseline_days=detect.BASELINE_DAYS,
                season=1.0,
                centre=cell_pos.get(cluster.items[0].cell or 0, 0),
                window_days=days,
                words=tuple(words),
                headline=detect.representative(cluster, words, titles) or detect.headline(cluster, words),
                ids=tuple(cluster.ids),
            )
        )
    return out


def _describe(s: detect.Signal, info: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    """The warning's fields from one day's signal: title, window, counts, evidence and demands."""
    tid, at, cells = ctx["tid"], ctx["at"], ctx["cells"]
    cell_ids = [cells[i].pk for i in s.cells]
    category = ctx["cat_ids"][s.category]
    since = at - dt.timedelta(days=s.window_days)
    if s.kind == "text":
        ids = sorted(s.ids)
    else:
        ids = sorted(
            Demand.objects.filter(
                town_id=tid,
                cell_id__in=cell_ids,
                category_id=category,
                created_at__gte=since,
                created_at__lt=at,
            )
            .exclude(merged_into__isnull=False)
            .values_list("pk", flat=True)
        )
    daily = dict(
        Demand.objects.filter(pk__in=ids)
        .annotate(day=TruncDay("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    title = warning_title(
        subject=s.headline if s.kind == "text" else "",
        category=ctx["cats"][category],
        cells=[ctx["names"].get(c, "") for c in cell_ids],
        n=s.observed,
        days=s.window_days,
        expected=s.expected,
    )
    evidence = {
        "method": {"pair": "trend", "area": "area", "text": "text"}[s.kind],
        "test": "negative binomial upper tail",
        "window_days": s.window_days,
        "baseline_days": s.baseline_days,
        "baseline_count": s.baseline,
        "observed": s.observed,
        "expected": s.expected,
        "p_value": s.p_value,
        "alpha": info.get("alpha") if s.kind != "text" else detect.TEXT_ALPHA,
        "dispersion": info.get("dispersion", {}).get(s.window_days) if s.kind != "text" else None,
        "season": s.season,
        "cells": [ctx["names"].get(c, "") for c in cell_ids],
        "cell_ids": cell_ids,
        "daily": {f"{timezone.localtime(d):%Y-%m-%d}": n for d, n in sorted(daily.items())},
    }
    if s.kind == "text":
        evidence["tokens"] = list(s.words)
    return {
        "title": title[:120],
        "since": since,
        "ids": ids,
        "evidence": evidence,
        "cell": cell_ids[0] if cell_ids else None,
        "category": category,
    }


SUBJECT_CHARS = 40  # a representative title longer than this is cut (the title holds 120)


def warning_title(
    *, subject: str, category: str, cells: list[str], n: int, days: int, expected: float | None
) -> str:
    """A warning's title in words a reader takes in at a glance: what rose (the category, or for recurring
    texts a representative demand's own title with its category), where, and how much against the usual
    ("路灯不亮：东关村近14天23件（常年约6件）")."""
    if subject:
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 1] + "…"
        what = _("%(subject)s (%(category)s)") % {"subject": subject, "category": category}
    else:
        what = category
    named = [c for c in cells if c]
    place = "、".join(named[:3])
    if len(named) > 3:
        place = _("%(cells)s and others (%(total)d cells)") % {"cells": place, "total": len(named)}
    counts = {"what": what, "place": place, "n": n, "days": days}
    if expected is None:
        return _("%(what)s: %(n)d in %(place)s in the last %(days)d days") % counts
    usual = max(1, round(expected)) if expected >= 0.5 else 0
    return _("%(what)s: %(n)d in %(place)s in the last %(days)d days (usually about %(usual)d)") % {
        **counts,
        "usual": usual,
    }


def _kind(s: detect.Signal) -> str:
    return WarningKind.RISING if s.kind == "pair" else WarningKind.RECURRING


def _begin(s: detect.Signal, info: dict[str, Any], ctx: dict[str, Any]) -> str:
    d = _describe(s, info, ctx)
    at = ctx["at"]
    warning = EarlyWarning.objects.create(
        town_id=ctx["tid"],
        kind=_kind(s),
        key=f"{s.kind}:{d['category']}:{d['cell']}:{timezone.localtime(at):%Y%m%d}",
        title=d["title"],
        cell_id=d["cell"],
        category_id=d["category"],
        first_detected_at=at,
        last_detected_at=at,
        window_start=d["since"],
        window_end=at,
        observed=s.observed,
        expected=s.expected,
        p_value=s.p_value,
        evidence=d["evidence"],
        demand_ids=d["ids"],
        detections=1,
        strength=round(s.ratio, 3),
        baseline_until=d["since"],
    )
    WarningDemand.objects.bulk_create([WarningDemand(warning=warning, demand_id=i) for i in d["ids"]])
    _flow().emit(
        warning, WarningEventKind.DETECT, None, before="", after=WarningStatus.OPEN, note=warning.title
    )
    return "created"


def _continue(w: EarlyWarning, s: detect.Signal, info: dict[str, Any], ctx: dict[str, Any]) -> str:
    """The same rise again: the warning's counts, cells, demands and strength follow it (one warning for the
    whole episode). A warning already decided keeps its decision; its episode is followed all the same."""
    d = _describe(s, info, ctx)
    cell_ids = sorted(set(w.evidence.get("cell_ids", [w.cell_id])) | set(d["evidence"]["cell_ids"]))
    d["evidence"]["cell_ids"] = cell_ids
    d["evidence"]["cells"] = [ctx["names"].get(c, "") for c in cell_ids]
    merged = sorted(set(w.demand_ids) | set(d["ids"]))
    fields: dict[str, Any] = {
        "last_detected_at": ctx["at"],
        "detections": w.detections + 1,
        "strength": max(w.strength or 0.0, round(s.ratio, 3)),
        "demand_ids": merged,
    }
    if w.status == WarningStatus.OPEN:
        fields.update(
            title=d["title"],
            window_start=d["since"],
            window_end=ctx["at"],
            observed=s.observed,
            expected=s.expected,
            p_value=s.p_value,
            evidence=d["evidence"],
        )
    EarlyWarning.objects.filter(pk=w.pk).update(**fields)
    fresh = set(merged) - set(w.demand_ids)
    WarningDemand.objects.bulk_create(
        [WarningDemand(warning=w, demand_id=i, item_id=w.tracked_item_id) for i in sorted(fresh)],
        ignore_conflicts=True,
    )
    if w.status != WarningStatus.OPEN:
        return "kept"
    if fresh:
        w.refresh_from_db()
        _flow().step(w, WarningEventKind.REDETECT, None, note=_("%(n)d demands") % {"n": len(merged)})
    return "updated"


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
    # the demands behind the warning are the item's too: the item answers them
    WarningDemand.objects.bulk_create(
        [WarningDemand(warning=warning, demand_id=i) for i in warning.demand_ids], ignore_conflicts=True
    )
    WarningDemand.objects.filter(warning=warning).update(item=item)
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
        warnings=[e.as_dict() for e in report.warnings[: importer.KEPT_ERRORS]],
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
