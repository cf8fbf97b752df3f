from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability

from . import selectors
from .models import DeputyLevel, ObserverKind

PER_PAGE = 100


@capability_required(Capability.VIEW_TOWN)
def deputy_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") if request.GET.get("level") in DeputyLevel.values else None
    on_duty = {"1": True, "0": False}.get(request.GET.get("on_duty", ""))
    deputies = selectors.deputy_list(user=request.user, level=level, on_duty=on_duty)
    page = Paginator(deputies, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/deputy_list.html",
        {"page": page, "level": level, "levels": DeputyLevel.choices, "on_duty": on_duty},
    )


@capability_required(Capability.VIEW_TOWN)
def observer_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in ObserverKind.values else None
    page = Paginator(selectors.observer_list(user=request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "people/observer_list.html", {"page": page, "kind": kind, "kinds": ObserverKind.choices}
    )
