"""Pages of tracked items (/tracking/): the list with tabs, an item with its timeline and moves, and the
office's form to raise one. Views parse, call a service or a selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.core.forms import form_errors
from lianxin.core.ids import parse_id
from lianxin.core.views import act as core_act
from lianxin.core.views import move_forms
from lianxin.core.workflow import workflow_of

from . import selectors, services
from .forms import ItemForm, OpenForm
from .models import TrackedItem
from .permissions import may_open

TAB_LABELS = {
    "open": gettext_lazy("In hand"),
    "overdue": gettext_lazy("Overdue"),
    "reported": gettext_lazy("Awaiting check"),
    "closed": gettext_lazy("Closed"),
}


@capability_required(Capability.VIEW_TOWN)
def index(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "open")
    tab = tab if tab in TAB_LABELS else "open"
    counts = selectors.tab_counts(user=request.user)
    tabs = [{"key": k, "label": label, "count": counts[k]} for k, label in TAB_LABELS.items()]
    page = Paginator(selectors.items_for(user=request.user, tab=tab), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tracking/index.html",
        {"tabs": tabs, "current": tab, "page": page, "may_open": may_open(request.user)},
    )


def _fetch(request: HttpRequest, pk: str) -> TrackedItem:
    number = parse_id(pk)
    if number is None:  # not an id we write: the same 404 as an id out of scope
        raise Http404
    return get_object_or_404(selectors.item_detail(user=request.user, pk=number))


def _render_detail(
    request: HttpRequest,
    item: TrackedItem,
    *,
    bound: ItemForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "item": item,
        "source": item.source if item.source_type_id else None,
        "timeline": selectors.timeline(item),
        "action_forms": move_forms(request, item, bound),
        "open_action": bound.prefix if bound is not None else "",
        "problem": problem,
    }
    return render(request, "tracking/detail.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
def detail(request: HttpRequest, pk: str) -> HttpResponse:
    return _render_detail(request, _fetch(request, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def act(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    """One move of the table (the core's act view); a step the table does not know is the page's 404."""
    item = _fetch(request, pk)
    if action not in workflow_of(TrackedItem).moves:
        return _render_detail(request, item, problem=_("There is no such step."), status=404)
    return core_act(
        request,
        item,
        action,
        page=_render_detail,
        refetch=lambda: _fetch(request, pk),
        done=lambda: redirect("tracking:detail", pk=item.pk),
    )


@capability_required(Capability.SUPERVISE)
def new(request: HttpRequest) -> HttpResponse:
    """The office raises a 督办 item by hand."""
    user: Any = request.user
    if not may_open(user):
        raise PermissionDenied
    form = OpenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.tracked_item_open_by_hand(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Raised: %(title)s.") % {"title": item.title})
            return redirect("tracking:detail", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tracking/new.html", {"form": form}, status=status)
