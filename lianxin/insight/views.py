"""The insight pages: they parse the request, call a selector and render."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.core import media
from lianxin.core.forms import ActionForm
from lianxin.core.models import Town
from lianxin.core.routers import reads_from_replica
from lianxin.core.views import act_view, move_forms
from lianxin.jobs import services as job_services
from lianxin.jobs.models import Job, JobState
from lianxin.territory import basemap
from lianxin.territory.models import BaseLayer, GridCell

from . import detect, geo, importer, office, scopes, selectors, services
from . import reports as report_build
from .forms import BaseMapForm, ImportForm, PeriodForm, ReportForm
from .jobs import LEDGER_IMPORT, MONTHLY_REPORT
from .models import EarlyWarning, WarningStatus

PER_PAGE = 30


def _period(request: HttpRequest) -> tuple[PeriodForm, selectors.Period | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    if not form.is_bound:
        form.is_valid()  # an unbound form has no cleaned data: the default period
        form.cleaned_data = {}
    return form, form.period()


def _dashboard(request: HttpRequest, template: str) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        return render(request, template, {"form": form}, status=400)
    user: Any = request.user
    county = user.can(Capability.VIEW_COUNTY) or user.town_id is None
    d = selectors.dashboard(user=request.user, period=period, county=county)
    towns = _towns(request)
    return render(
        request,
        template,
        {
            "form": form,
            "d": d,
            "charts": selectors.chart_data(d),
            "breakdowns": [
                (name, heading, d.breakdowns[name])
                for name, (_k, _l, heading) in selectors.BREAKDOWNS.items()
            ],
            "period_query": period.query,
            "headline": office.headline(towns) if towns else None,
        },
    )


@reads_from_replica
@capability_required(Capability.VIEW_INSIGHT)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The office's dashboard: lists, rates, breakdowns, rankings and trends."""
    return _dashboard(request, "insight/dashboard.html")


@reads_from_replica
@capability_required(Capability.VIEW_INSIGHT)
def wall(request: HttpRequest) -> HttpResponse:
    """The wall screen (大屏): the same figures, large, refreshing itself."""
    return _dashboard(request, "insight/wall.html")


@reads_from_replica
@capability_required(Capability.VIEW_INSIGHT)
def items(request: HttpRequest) -> HttpResponse:
    """The demands behind one figure."""
    figure = request.GET.get("figure", "received")
    filters = {k: request.GET[k] for k in selectors.DIMENSIONS if request.GET.get(k)}
    errors = []
    if figure not in selectors.FIGURES:
        errors.append(_("Unknown figure."))
    for name, value in filters.items():
        if name != "channel" and value != "none" and not value.isdigit():
            errors.append(_("Not a valid choice: %(name)s.") % {"name": name})
    period: selectors.Period | None = None
    form = PeriodForm(request.GET)
    if request.GET.get("start") or request.GET.get("end"):
        if form.is_valid():
            period = form.period()
        else:
            errors.extend(str(e) for e in form.errors.get("__all__", []))
            errors.extend(_("Enter a valid date.") for name in ("start", "end") if name in form.errors)
    if errors:
        return render(request, "insight/items.html", {"errors": errors}, status=400)
    rows = selectors.items(user=request.user, period=period, filters=filters, figure=figure)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "insight/items.html", {"page": page, "period": period, "figure": figure})


def reads_map(view: Any) -> Any:
    """The map's and the warnings' pages: who reads the dashboards, and a deputy (their own cells)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user: Any = request.user
        if not (user.can(Capability.VIEW_INSIGHT) or user.can(Capability.READ_CELL_CASES)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@reads_from_replica
@reads_map
def grid_map(request: HttpRequest) -> HttpResponse:
    """The grid map: cells coloured by demand density or overdue items, markers, and the coverage gaps. The
    office reads its town's cells, a deputy the cells they serve; ``?cell=`` opens on one of them (a cell
    outside the reader's is a 404)."""
    user: Any = request.user
    own = None if user.can(Capability.VIEW_INSIGHT) else scopes.served_cells(user)
    focus = request.GET.get("cell", "")
    if focus and (not focus.isdigit() or not _map_cells(user, own).filter(pk=int(focus)).exists()):
        raise Http404
    form, period = _period(request)
    metric = request.GET.get("metric", "density")
    if period is None or metric not in ("density", "overdue"):
        if period is not None:
            form.add_error(None, _("Choose density or overdue items."))
        return render(request, "insight/map.html", {"form": form}, status=400)
    data = geo.map_data(user=user, period=period, metric=metric, cells=own)
    data["focus"] = int(focus) if focus else None
    gaps = data.pop("gaps")
    response = render(
        request,
        "insight/map.html",
        {
            "form": form,
            "map": data,
            "gaps": gaps,
            "gap_rules": geo.GAP_RULES,
            "contact_days": geo.contact_days(),
            "metric": metric,
            "period_query": period.query,
            "office": own is None,
        },
    )
    if data["tiles"]:  # a configured base layer: its servers may send images, nothing else
        response._csp_update = {"img-src": data["tiles"]["origins"]}  # type: ignore[attr-defined]
    return response


def _map_cells(user: Any, own: list[int] | None) -> QuerySet[GridCell]:
    cells = GridCell.objects.restrict(user).filter(town_id=user.town_id) if user.town_id else None
    if cells is None:  # a county reader: the county's cells
        cells = GridCell.objects.restrict(user)
    return cells if own is None else cells.filter(pk__in=own)


@capability_required(Capability.ACT_ON_INSIGHT)
def base_map(request: HttpRequest) -> HttpResponse:
    """The presidium loads the town's own base map (roads, rivers, landmarks as GeoJSON), drawn under the
    cells when no tile server is configured; or removes it."""
    user: Any = request.user
    if not user.town_id:
        raise PermissionDenied
    form = BaseMapForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("remove"):
            BaseLayer.objects.filter(town_id=user.town_id).delete()
            messages.success(request, _("The base map is removed."))
            return redirect("insight:base_map")
        if form.is_valid():
            collection = form.cleaned_data["file"]
            cells = list(GridCell.objects.filter(town_id=user.town_id).values_list("boundary", flat=True))
            if basemap.near_cells(collection, cells):
                basemap.save(town=user.town, collection=collection, filename=form.file_name, actor=user)
                messages.success(
                    request,
                    _("The base map is loaded: %(n)d features.") % {"n": len(collection["features"])},
                )
                return redirect("insight:base_map")
            form.add_error(
                "file",
                _("The file's shapes lie far from the town's cells (or longitude and latitude are swapped)."),
            )
        status = 400
    layer = BaseLayer.objects.filter(town_id=user.town_id).first()
    kinds: dict[str, int] = {}
    for f in layer.features.get("features", []) if layer else []:
        kinds[f["properties"]["kind"]] = kinds.get(f["properties"]["kind"], 0) + 1
    return render(
        request,
        "insight/base_map.html",
        {
            "form": form,
            "layer": layer,
            "kinds": sorted(kinds.items()),
            "tiles": geo.tiles() is not None,
            "max_mb": basemap.MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


# --- early warnings -------------------------------------------------------------------------------------
# The warnings' pages: who reads the dashboards, and a deputy (the warnings of the cells they serve; the
# scope rule of ``scopes.warnings`` says which).
reads_warnings = reads_map


@reads_from_replica
@reads_warnings
def warning_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", WarningStatus.OPEN.value)
    if status not in WarningStatus.values:
        status = WarningStatus.OPEN.value
    rows = selectors.warnings_for(user=request.user, status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "insight/warnings.html", {"page": page, "status": status, "statuses": WarningStatus.choices}
    )


def _warning(request: HttpRequest, pk: int) -> EarlyWarning:
    return get_object_or_404(selectors.warnings_for(user=request.user, status=None), pk=pk)


def _warning_page(
    request: HttpRequest,
    warning: EarlyWarning,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "insight/warning.html",
        {
            "w": warning,
            "evidence": selectors.warning_evidence(user=request.user, warning=warning),
            "events": warning.events.select_related("actor"),
            "action_forms": move_forms(request, warning, bound),
            "open_action": bound.prefix if bound is not None else "",
            "problem": problem,
            "effect": selectors.topic_effect(warning=warning),
            "linked": warning.links.filter(item__isnull=False).count() if warning.tracked_item_id else 0,
            "parameters": detect.PARAMETERS,
            "daily_bars": _bars(warning.evidence.get("daily", {})),
            "bars_width": len(warning.evidence.get("daily", {})) * 28 + 8,
        },
        status=status,
    )


@reads_warnings
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _warning_page(request, _warning(request, pk))


def _bars(daily: dict[str, int]) -> list[dict[str, Any]]:
    """A plain SVG bar chart of the window's days, drawn by the template (no script)."""
    if not daily:
        return []
    top = max(daily.values()) or 1
    return [
        {"day": day[5:], "n": n, "x": i * 28 + 4, "h": round(100 * n / top), "y": 110 - round(100 * n / top)}
        for i, (day, n) in enumerate(sorted(daily.items()))
    ]


# One move of the warning's table (the core's act view). A warning another reader has just decided is said
# on its fresh page rather than a 409 of the old one: the page is the scan's evidence, costly to draw twice.
warning_act = require_POST(
    capability_required(Capability.VIEW_INSIGHT)(
        act_view(fetch=_warning, page=_warning_page, done="insight:warning", on_conflict="redirect")
    )
)


# --- importing old ledgers ------------------------------------------------------------------------------
@capability_required(Capability.ACT_ON_INSIGHT)
def imports(request: HttpRequest) -> HttpResponse:
    """The presidium uploads an old ledger; the worker imports it while the page shows the progress."""
    user: Any = request.user
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid() and user.town_id:
            upload = form.cleaned_data["file"]
            job = services.import_job_start(
                town=user.town,
                actor=user,
                filename=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("insight:import", pk=job.pk)
        if not user.town_id:
            form.add_error(None, _("Only a town's staff import its ledgers."))
        status = 400
    else:
        status = 200
    jobs = _imports(user)[:10]
    return render(
        request,
        "insight/imports.html",
        {"form": form, "jobs": jobs, "columns": importer.COLUMNS},
        status=status,
    )


# What each column is, as the help page says it (the keys are ``importer.COLUMNS``').
COLUMN_LABELS = {
    "ref": (_lazy("reference (re-importing skips it)"), ""),
    "received_at": (_lazy("time received"), _lazy("required")),
    "channel": (_lazy("channel"), _lazy("walk-in if empty")),
    "title": (_lazy("title"), _lazy("the text's start if empty")),
    "text": (_lazy("text of the demand"), _lazy("required")),
    "category": (_lazy("category"), _lazy("required")),
    "cell": (_lazy("grid cell (village or community)"), ""),
    "place": (_lazy("place or station"), ""),
    "lat": (_lazy("latitude"), ""),
    "lng": (_lazy("longitude"), ""),
    "status": (_lazy("status"), _lazy("closed if a closing time is given")),
    "department": (_lazy("department"), ""),
    "deputy": (_lazy("deputy"), _lazy("for a closed row, or the cell's")),
    "closed_at": (_lazy("closing time"), _lazy("for a closed row")),
    "outcome": (_lazy("outcome"), _lazy("for a closed row (else a warning)")),
    "name": (_lazy("requester's name"), ""),
    "phone": (_lazy("requester's phone"), ""),
}


@capability_required(Capability.ACT_ON_INSIGHT)
def import_help(request: HttpRequest) -> HttpResponse:
    """The headings and values an old ledger may use, with the town's own categories, cells and departments:
    what a clerk reads before (or after) an import, inside the app."""
    from lianxin.demands.models import Category
    from lianxin.people.models import Department
    from lianxin.territory.models import GridCell

    user: Any = request.user
    town = user.town_id
    columns = [
        {"key": key, "label": COLUMN_LABELS[key][0], "need": COLUMN_LABELS[key][1], "aliases": aliases[1:]}
        for key, aliases in importer.COLUMNS.items()
    ]
    context = {
        "columns": columns,
        "channels": importer.channel_values(),
        "categories": Category.objects.filter(town_id=town).order_by("name").values_list("name", flat=True),
        "cells": GridCell.objects.filter(town_id=town).order_by("name").values_list("name", flat=True),
        "departments": Department.objects.filter(town_id=town)
        .order_by("name")
        .values_list("name", flat=True),
        "statuses": list(importer.STATUSES),
        "outcomes": list(importer.OUTCOMES),
    }
    return render(request, "insight/import_help.html", context)


def _imports(user: Any) -> QuerySet[Job]:
    """The town's ledger imports: its office reads them all, whoever of them uploaded the file."""
    if not user.town_id:
        return Job.objects.none()
    return Job.objects.filter(kind=LEDGER_IMPORT.kind, town_id=user.town_id)


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(_imports(request.user), pk=pk)


@capability_required(Capability.ACT_ON_INSIGHT)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job app's progress box (htmx, ``/jobs/<pk>/progress/``) inside the insight pages."""
    return render(
        request,
        "insight/import.html",
        {"job": _job(request, pk), "kind": LEDGER_IMPORT, "keep_days": job_services.keep_days()},
    )


# --- monthly reports ------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_INSIGHT)
def reports(request: HttpRequest) -> HttpResponse:
    """The kept reports, and a form to have the worker make one (of the town, or of the county)."""
    user: Any = request.user
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if user.town_id:
                county, town = user.town.county, user.town
            elif user.can(Capability.VIEW_COUNTY) and user.county_id:
                county, town = user.county, None
            else:
                raise PermissionDenied
            report = services.report_request(
                county=county, town=town, month=form.cleaned_data["month"], actor=user
            )
            return redirect("insight:report", pk=report.pk)
        status = 400
    rows = selectors.reports_for(user=user)[:24]
    return render(request, "insight/reports.html", {"form": form, "reports": rows}, status=status)


def _towns(request: HttpRequest) -> list[int]:
    """The towns whose figures the user reads: their own, or (the county viewer) the county's."""
    user: Any = request.user
    if user.town_id:
        return [user.town_id]
    if user.can(Capability.VIEW_COUNTY) and user.county_id:
        return list(Town.objects.filter(county_id=user.county_id).values_list("pk", flat=True))
    return []


def _subject(request: HttpRequest, month: Any = None) -> report_build.Subject | None:
    """What the user's reports are of: their town, or (the county viewer) their county; None otherwise."""
    user: Any = request.user
    month = month or timezone.localdate()
    if user.town_id:
        return report_build.Subject(county=user.town.county, town=user.town, month=month)
    if user.can(Capability.VIEW_COUNTY) and user.county_id:
        return report_build.Subject(county=user.county, town=None, month=month)
    return None


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if not raw:
        return this_year
    if not raw.isdigit() or not 2000 <= int(raw) <= this_year:
        raise Http404
    return int(raw)


def _annual(request: HttpRequest, year: int) -> report_build.Figures:
    subject = _subject(request)
    if subject is None:
        raise PermissionDenied
    return report_build.annual(subject, year)


@reads_from_replica
@capability_required(Capability.VIEW_INSIGHT)
def annual_report(request: HttpRequest) -> HttpResponse:
    """The presidium's annual work report (年度工作报告) of a chosen year, built from the year's records."""
    year = _year(request)
    this_year = timezone.localdate().year
    return render(
        request,
        "insight/annual.html",
        {
            "f": _annual(request, year),
            "year": year,
            "years": list(range(this_year, max(this_year - 5, 2000) - 1, -1)),
        },
    )


@reads_from_replica
@capability_required(Capability.VIEW_INSIGHT)
def annual_file(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The annual work report as a PDF (WeasyPrint, Chinese glyphs embedded) or an Excel workbook."""
    if fmt not in REPORT_TYPES or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    subject = _subject(request)
    if subject is None:
        raise PermissionDenied
    with translation.override("zh-hans"):
        f = report_build.annual(subject, year)
        data = report_build.pdf(subject, f) if fmt == "pdf" else report_build.workbook(subject, f)
        name = f"{f.title.replace(' · ', '-')}.{fmt}"
    response = HttpResponse(data, content_type=REPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _report(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(selectors.reports_for(user=request.user), pk=pk)


@capability_required(Capability.VIEW_INSIGHT)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The job app's progress box (htmx), then the two downloads, inside the insight pages."""
    return render(
        request,
        "insight/report_page.html",
        {"job": _report(request, pk), "kind": MONTHLY_REPORT, "keep_days": job_services.keep_days()},
    )


REPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@capability_required(Capability.VIEW_INSIGHT)
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report's PDF (the job's file) or workbook (its second file), to the report's readers only."""
    job = _report(request, pk)
    stored = {"pdf": job.file, "xlsx": job.second_file}.get(fmt)
    if job.state != JobState.DONE or not stored:
        raise Http404
    return media.file_response(
        request, stored, f"{job.title.replace(' · ', '-')}.{fmt}", mimetype=REPORT_TYPES[fmt]
    )
