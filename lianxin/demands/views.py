"""The staff workbench: inboxes, the three lists, recording a demand, a demand's page and its moves.

Views parse input, call a selector or a service, and render. Every demand is fetched through
``Demand.objects.restrict(request.user)`` (in the selectors), so one outside the user's scope is a 404.
The moves are not listed here: ``act`` makes whichever move of the table (``workflow.py``) is posted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.audit.reveal import reveal_on_page
from lianxin.core import masking
from lianxin.core.forms import RevealForm, form_errors
from lianxin.core.kit import everywhere
from lianxin.core.paging import CappedPaginator
from lianxin.core.routers import reads_from_replica
from lianxin.core.views import act as core_act
from lianxin.core.views import move_forms
from lianxin.exports.views import answer as export_answer

from . import exports, selectors, services
from .filters import DemandFilter
from .forms import ActionForm, RecordForm, YearForm
from .models import Demand
from .permissions import may_reveal, may_see_personal_data

PER_PAGE = 25


def _record_suggestion(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    """The recording form's input kept, filled in by intake's suggester (read from the kit, so this app
    imports no intake); without one, the input as it came."""
    for _app, suggester in everywhere("suggesters"):
        return suggester.record(request)
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}, None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Each role to its own desk."""
    user: Any = request.user
    if user.can(Capability.CLAIM_DEMAND):
        return redirect("demands:deputy_inbox")
    if user.can(Capability.HANDLE_ASSIGNMENT):
        return redirect("demands:department_inbox")
    if user.can(Capability.VIEW_TOWN):
        return redirect("demands:overview")
    if _may_record(user):
        return redirect("demands:record")
    raise PermissionDenied


def _inbox(request: HttpRequest, tabs: list[selectors.Tab], title: str) -> HttpResponse:
    current = next((t for t in tabs if t.key == request.GET.get("tab")), tabs[0])
    page = CappedPaginator(current.demands, PER_PAGE, total=current.count).get_page(request.GET.get("page"))
    return render(
        request,
        "demands/inbox.html",
        {
            "title": title,
            "tabs": tabs,
            "current": current,
            "page": page,
            "may_record": _may_record(request.user),
        },
    )


@reads_from_replica
@capability_required(Capability.CLAIM_DEMAND)
def deputy_inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request, selectors.deputy_inbox(user=request.user), _("Deputy's inbox"))


@reads_from_replica
@capability_required(Capability.HANDLE_ASSIGNMENT)
def department_inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request, selectors.department_inbox(user=request.user), _("Department's inbox"))


@reads_from_replica
@capability_required(Capability.VIEW_TOWN)
def overview(request: HttpRequest, *, year_form: YearForm | None = None, status: int = 200) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "demands/overview.html",
        {
            "lists": selectors.overview(user=user),
            "may_record": _may_record(user),
            "year_form": year_form or YearForm(),
            "county_wide": user.can(Capability.VIEW_COUNTY) and not user.town_id,
        },
        status=status,
    )


@require_POST
@capability_required(Capability.VIEW_TOWN)
def year_export(request: HttpRequest) -> HttpResponse:
    """A year of the demands the user reads, every status (the county viewer's: every town of the county)."""
    form = YearForm(request.POST)
    if not form.is_valid():
        return overview(request, year_form=form, status=400)
    year = form.cleaned_data["year"]
    return export_answer(
        request,
        kind="demands.year",
        params={"year": year},
        rows=exports.year_rows(request.user, {"year": year}),
        title=_("Demands of %(year)s") % {"year": year},
        object_type="demands.demand",
        action="xlsx:year",
    )


@reads_from_replica
@capability_required(Capability.VIEW_TOWN)
def demand_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the three lists, filtered; ``?format=xlsx`` downloads the printed sheet of the same rows."""
    if kind not in selectors.LISTS:
        raise Http404
    statuses, label = selectors.LISTS[kind]
    filterset = DemandFilter(
        request.GET or None,
        queryset=selectors.list_demands(user=request.user, kind=kind),
        request=request,
        statuses=statuses,
    )
    invalid = filterset.is_bound and not filterset.is_valid()
    if invalid:  # say what to fix, and never print or export an unfiltered sheet by mistake
        rows = filterset.queryset.none()
    else:
        rows = filterset.qs if filterset.is_bound else filterset.queryset
    if request.GET.get("format") == "xlsx" and not invalid:  # a long list is a worker job with a page
        filters = {k: v for k, v in request.GET.dict().items() if k not in ("format", "page")}
        return export_answer(
            request,
            kind="demands.list",
            params={"list": kind, "filters": filters},
            rows=exports.prepare(rows),
            title=str(label),
            object_type="demands.demand",
            action=f"xlsx:{kind}",
        )
    # The list's total: from the kept counts when nothing narrows it and they are the user's; else counted
    # no further than the pager goes.
    counts = selectors.status_counts(user=request.user)
    narrowed = any(v for k, v in request.GET.items() if k not in ("page", "format"))
    total = None
    if not narrowed and not invalid and selectors.reads_whole_towns(request.user):
        total = sum(counts[s] for s in statuses)
    page = CappedPaginator(rows, PER_PAGE, total=total).get_page(request.GET.get("page"))
    return render(
        request,
        "demands/list.html",
        {
            "kind": kind,
            "label": label,
            "filter": filterset,
            "page": page,
            "lists": selectors.overview(user=request.user, counts=counts),
        },
        status=400 if invalid else 200,
    )


# --- recording ---------------------------------------------------------------------------------------
def _may_record(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.town_id
        and (user.can(Capability.RECORD_FOR_OTHERS) or user.can(Capability.REPORT_OBSERVATION))
    )


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """Put a demand on the problem list for someone. A hidden key makes a double submit one demand."""
    user: Any = request.user
    if not _may_record(user):
        raise PermissionDenied
    if request.method == "POST" and "suggest" in request.POST:  # the intake's suggestion, nothing recorded
        initial, suggestion = _record_suggestion(request)
        form = RecordForm(initial=initial, user=user)
        return render(request, "demands/record.html", {"form": form, "s": suggestion})
    form = RecordForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.demand_record(
                    town=user.town,
                    recorded_by=user,
                    channel=data["channel"],
                    category=data["category"],
                    urgency=data["urgency"],
                    title=data["title"],
                    description=data["description"],
                    cell=data["cell"],
                    station=data["station"],
                    lat=data["lat"],
                    lng=data["lng"],
                    address=data["address"],
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    requester_id_number=data["requester_id_number"],
                    attachments=data["attachments"],
                    intake_key=data["intake_key"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                if not getattr(demand, "replayed", False):
                    messages.success(request, _("Recorded as %(code)s.") % {"code": demand.code})
                if pin := getattr(demand, "tracking_pin", ""):  # no phone: the person tracks with a PIN
                    messages.info(
                        request,
                        _("No phone: give the person the code %(code)s and the PIN %(pin)s to track it.")
                        % {"code": demand.code, "pin": pin},
                    )
                if Demand.objects.restrict(user).filter(pk=demand.pk).exists():
                    return redirect("demands:detail", code=demand.code)
                return redirect("demands:index")
        return render(request, "demands/record.html", {"form": form}, status=400)
    return render(request, "demands/record.html", {"form": form})


# --- a demand's page and its moves ---------------------------------------------------------------------
def _fetch(request: HttpRequest, code: str) -> Demand:
    return get_object_or_404(selectors.demand_detail(user=request.user, code=code))


def _requester(request: HttpRequest, demand: Demand, revealed: dict[str, str] | None) -> dict[str, str]:
    """The requester as this answer shows them: in full to the requester themself and in the answer to a
    reveal (already recorded), masked for everyone else, the presidium included."""
    if revealed is not None:
        return revealed
    if may_see_personal_data(request.user, demand):
        return {
            "name": demand.requester_name,
            "phone": demand.requester_phone,
            "id_number": demand.requester_id_number,
        }
    return {
        "name": masking.mask_name(demand.requester_name),
        "phone": masking.mask_phone(demand.requester_phone),
        "id_number": masking.mask_id_number(demand.requester_id_number),
    }


def _render_detail(
    request: HttpRequest,
    demand: Demand,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
    revealed: dict[str, str] | None = None,
    reveal_form: RevealForm | None = None,
) -> HttpResponse:
    user: Any = request.user
    context = {
        "demand": demand,
        "assignment": selectors.assignment_of(demand),
        "requester": _requester(request, demand, revealed),
        "revealed": revealed is not None,
        "may_reveal": may_reveal(user, demand) and not may_see_personal_data(user, demand),
        "reveal_form": reveal_form or RevealForm(),
        "phone_accesses": selectors.phone_accesses(user=user, demand=demand),
        "timeline": selectors.timeline(demand),
        "pending_extension": selectors.pending_extension(demand),
        "action_forms": move_forms(request, demand, bound),
        "open_action": bound.prefix if bound is not None else "",
        "problem": problem,
    }
    return render(request, "demands/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, _fetch(request, code))


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """One move of the table (the core's act view); done, back to the demand, or to the desk when the
    move took it out of the user's scope."""
    demand = _fetch(request, code)

    def done() -> HttpResponse:
        if Demand.objects.restrict(request.user).filter(pk=demand.pk).exists():
            return redirect("demands:detail", code=code)
        return redirect("demands:index")

    return core_act(
        request, demand, action, page=_render_detail, refetch=lambda: _fetch(request, code), done=done
    )


@login_required
@require_POST
def reveal_phone(request: HttpRequest, code: str) -> HttpResponse:
    """The requester in full, once, with a reason that is recorded: the presidium, and the deputy or the
    department holding the demand (回访); everyone else keeps the masked details (403)."""
    user: Any = request.user
    demand = _fetch(request, code)
    if not may_reveal(user, demand):
        raise PermissionDenied
    form, status, shown = reveal_on_page(
        request,
        lambda reason: services.requester_reveal(demand=demand, actor=user, reason=reason, request=request),
    )
    if shown is None:
        return _render_detail(request, demand, reveal_form=form, status=status)
    return _render_detail(request, _fetch(request, code), revealed=shown)
