from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability

from . import selectors
from .models import CellKind, StationKind

PER_PAGE = 100


@capability_required(Capability.VIEW_TOWN)
def cell_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in CellKind.values else None
    page = Paginator(selectors.cell_list(user=request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "territory/cell_list.html", {"page": page, "kind": kind, "kinds": CellKind.choices}
    )


@capability_required(Capability.VIEW_TOWN)
def station_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in StationKind.values else None
    stations = selectors.station_list(user=request.user, kind=kind)
    page = Paginator(stations, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "territory/station_list.html", {"page": page, "kind": kind, "kinds": StationKind.choices}
    )
