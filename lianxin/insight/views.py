"""The insight pages: they parse the request, call a selector and render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability

from . import geo, selectors
from .forms import PeriodForm

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
        },
    )


@capability_required(Capability.VIEW_INSIGHT)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The office's dashboard: lists, rates, breakdowns, rankings and trends."""
    return _dashboard(request, "insight/dashboard.html")


@capability_required(Capability.VIEW_INSIGHT)
def wall(request: HttpRequest) -> HttpResponse:
    """The wall screen (大屏): the same figures, large, refreshing itself."""
    return _dashboard(request, "insight/wall.html")


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


@capability_required(Capability.VIEW_INSIGHT)
def grid_map(request: HttpRequest) -> HttpResponse:
    """The grid map: cells coloured by demand density or overdue items, markers, and the coverage gaps."""
    form, period = _period(request)
    metric = request.GET.get("metric", "density")
    if period is None or metric not in ("density", "overdue"):
        if period is not None:
            form.add_error(None, _("Choose density or overdue items."))
        return render(request, "insight/map.html", {"form": form}, status=400)
    data = geo.map_data(user=request.user, period=period, metric=metric)
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
        },
    )
    if data["tiles"]:  # a configured base layer: its servers may send images, nothing else
        response._csp_update = {"img-src": data["tiles"]["origins"]}  # type: ignore[attr-defined]
    return response
