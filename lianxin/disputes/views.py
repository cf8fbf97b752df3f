"""The dispute pages: the ledger (mediators, deputies, the presidium), registering, a dispute's page and
its moves, the agreement's PDF, hearings, both ledgers side by side, the monthly analysis, the risk rule.

Views parse input, call a selector or a service, and render. Every dispute and hearing is fetched through
``restrict`` (in the selectors), so one outside the user's scope is a 404. The moves are not listed here:
``act`` makes whichever move of the tables (``workflow.py``) is posted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.audit.reveal import RevealLimited, reveal_on_page
from lianxin.core import clock
from lianxin.core.forms import RevealForm, form_errors
from lianxin.core.routers import reads_from_replica
from lianxin.core.views import act_view, move_forms
from lianxin.demands.models import Demand

from . import analysis, exports, pdf, selectors, services
from .filters import BothLedgersFilter, DisputeFilter
from .forms import FromDemandForm, RegisterForm, RiskRuleForm
from .models import Dispute, Hearing, Party
from .permissions import is_its_mediator, may_register, may_reveal, may_tune_rule
from .risk import rule_of

PER_PAGE = 25
QS = TypeVar("QS", bound=QuerySet[Any])


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


# --- the ledger ----------------------------------------------------------------------------------------
@reads_from_replica
@capability_required(Capability.VIEW_TOWN)
def index(request: HttpRequest) -> HttpResponse:
    """The ledger, filtered, with each role's desk above it: a mediator's sessions today and follow-ups due,
    a deputy's supervision seats, the presidium's risks and proposed hearings."""
    user: Any = request.user
    filterset = DisputeFilter(request.GET or None, queryset=selectors.disputes_for(user), request=request)
    invalid = filterset.is_bound and not filterset.is_valid()
    rows = (
        filterset.queryset.none() if invalid else (filterset.qs if filterset.is_bound else filterset.queryset)
    )
    if request.GET.get("format") == "xlsx" and not invalid:
        # The dispute ledger asked for comes first (the sheet the workbook opens on); the demand ledger of the
        # same cell and time follows.
        demands = Demand.objects.restrict(user).select_related("cell", "category", "deputy")
        if filterset.is_bound:
            demands = _shared(demands, filterset.form.cleaned_data)
        data = exports.ledgers_xlsx(demands, rows, first="disputes")
        return _xlsx(data, f"{_('Dispute ledger')}-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "may_register": may_register(user),
        "sessions_today": selectors.sessions_today(user) if can(user, Capability.MEDIATE) else None,
        "follow_ups": selectors.follow_ups_due(user) if can(user, Capability.MEDIATE) else None,
        "seats": selectors.supervision_seats(user)[:10] if can(user, Capability.READ_CELL_CASES) else None,
        "risks": selectors.risks(user)[:10] if can(user, Capability.SUPERVISE) else None,
        "proposed": selectors.hearings_for(user).filter(status=Hearing.Status.PROPOSED)[:10]
        if can(user, Capability.SUPERVISE)
        else None,
        "may_tune": may_tune_rule(user),
        "may_analyse": can(user, Capability.READ_TOWN_CASES),
    }
    return render(request, "disputes/index.html", context, status=400 if invalid else 200)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """A walk-in at a mediation station (or a report, a referral): registered with its parties."""
    user: Any = request.user
    if not may_register(user) or user.town is None:
        raise PermissionDenied
    form = RegisterForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                dispute = services.dispute_register(
                    town=user.town, actor=user, kind=d["kind"], source=d["source"], summary=d["summary"],
                    description=d["description"], parties=form.parties(), cell=d["cell"], station=d["station"],
                    amount=d["amount"], repeat_contacts=d["repeat_contacts"], threats=d["threats"],
                )  # fmt: skip
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Registered as %(code)s.") % {"code": dispute.code})
                return redirect("disputes:detail", code=dispute.code)
        status = 400
    return render(request, "disputes/register.html", {"form": form}, status=status)


@login_required
@require_POST
def from_demand(request: HttpRequest, code: str) -> HttpResponse:
    """诉求转纠纷: from the demand's page."""
    user: Any = request.user
    demand = get_object_or_404(Demand.objects.restrict(user), code=code)
    if not may_register(user):
        raise PermissionDenied
    form = FromDemandForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        parties = [
            {"side": Party.Side.APPLICANT, "name": demand.requester_name, "phone": demand.requester_phone}
        ]
        if d["respondent_name"]:
            parties.append({"side": Party.Side.RESPONDENT, "name": d["respondent_name"]})
        try:
            dispute = services.dispute_from_demand(
                demand=demand, actor=user, kind=d["kind"], parties=parties, amount=d["amount"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Registered as %(code)s.") % {"code": dispute.code})
            return redirect("disputes:detail", code=dispute.code)
    else:
        messages.error(request, _("Choose the type of dispute."))
    return redirect("demands:detail", code=code)


# --- a dispute's page and its moves ---------------------------------------------------------------------
def _fetch(request: HttpRequest, code: str) -> Dispute:
    return get_object_or_404(selectors.dispute_detail(user=request.user, code=code))


def _fetch_hearing(request: HttpRequest, pk: int) -> Hearing:
    return get_object_or_404(
        selectors.hearings_for(request.user).prefetch_related("deputies", "events__actor"), pk=pk
    )


def _render(
    request: HttpRequest,
    obj: Any,
    *,
    bound: Form | None = None,
    problem: str = "",
    status: int = 200,
    revealed: bool = False,
    reveal_form: RevealForm | None = None,
) -> HttpResponse:
    user: Any = request.user
    context: dict[str, Any] = {
        "action_forms": move_forms(request, obj, bound),
        "open_action": bound.prefix if bound is not None else "",
        "problem": problem,
        "timeline": selectors.timeline(obj),
    }
    if isinstance(obj, Hearing):
        context.update(hearing=obj)
        return render(request, "disputes/hearing.html", context, status=status)
    context.update(
        dispute=obj,
        parties=selectors.parties_for(obj, revealed=revealed),
        revealed=revealed,
        may_reveal=may_reveal(user, obj) and obj.parties.exists(),
        its_mediator=is_its_mediator(user, obj),
        reveal_form=reveal_form or RevealForm(),
        reasons=selectors.risk_reasons(obj),
        agreement=selectors.agreement_of(obj),
        demands=selectors.demands_linked(user=user, dispute=obj),
        hearings=selectors.hearings_for(user).filter(dispute=obj),
    )
    return render(request, "disputes/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, _fetch(request, code))


def _revealed(request: HttpRequest, dispute: Dispute, *, action: str) -> RevealForm | HttpResponse:
    """Check and record a reveal of the parties: the valid form, or the page answering why not (400, 429).
    Anyone who may not reveal gets 403 (the dispute itself is in their scope, or ``_fetch`` gave a 404)."""
    if not may_reveal(request.user, dispute):
        raise PermissionDenied
    form, status, _done = reveal_on_page(
        request,
        lambda reason: services.parties_reveal(
            dispute=dispute, actor=request.user, reason=reason, request=request, action=action
        ),
    )
    return form if status == 200 else _render(request, dispute, reveal_form=form, status=status)


@login_required
@require_POST
def reveal(request: HttpRequest, code: str) -> HttpResponse:
    """The parties in full on the dispute's page, once, with a recorded reason."""
    dispute = _fetch(request, code)
    answer = _revealed(request, dispute, action="parties")
    if isinstance(answer, HttpResponse):
        return answer
    return _render(request, dispute, revealed=True)


@login_required
def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _fetch_hearing(request, pk))


# One move of a dispute's or a hearing's table, through the core's act view.
act = login_required(require_POST(act_view(fetch=_fetch, page=_render, done="disputes:detail", key="code")))
hearing_act = login_required(
    require_POST(act_view(fetch=_fetch_hearing, page=_render, done="disputes:hearing"))
)


@login_required
def agreement(request: HttpRequest, code: str) -> HttpResponse:
    """人民调解协议书 as a PDF. The dispute's own mediator prints the copy the parties sign, their names and
    numbers in full (each print a reveal on the audit trail, its reason the signing); anyone else's GET prints
    them masked (a copy to file or show), and the presidium POSTs a reason to print the signing copy."""
    dispute = _fetch(request, code)
    found = selectors.agreement_of(dispute)
    if found is None:
        raise Http404
    revealed = False
    if request.method in ("GET", "HEAD") and is_its_mediator(request.user, dispute):
        try:
            services.parties_reveal(
                dispute=dispute,
                actor=request.user,
                reason=_("Printing the mediation agreement for the parties to sign"),
                request=request,
                action="agreement_printed",
            )
        except RevealLimited as exc:
            form = RevealForm()
            form.add_error(None, exc.message)
            return _render(request, dispute, reveal_form=form, status=429)
        revealed = True
    elif request.method == "POST":
        answer = _revealed(request, dispute, action="agreement_printed")
        if isinstance(answer, HttpResponse):
            return answer
        revealed = True
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = {
        "dispute": dispute,
        "agreement": found,
        "parties": selectors.parties_for(dispute, revealed=revealed),
        "sessions": list(dispute.sessions.all()),
        "printed": timezone.localtime(clock.now()),
    }
    response = HttpResponse(pdf.agreement_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]
        as_attachment=revealed, filename=f"{dispute.code}.pdf"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- hearings ----------------------------------------------------------------------------------------------
@capability_required(Capability.VIEW_TOWN)
def hearings(request: HttpRequest) -> HttpResponse:
    rows = selectors.hearings_for(request.user).prefetch_related("deputies")
    status = request.GET.get("status", "")
    if status in Hearing.Status.values:  # ?status=proposed: those awaiting the presidium's decision
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    may_analyse = can(request.user, Capability.READ_TOWN_CASES)
    context = {"page": page, "may_analyse": may_analyse, "status": status, "statuses": Hearing.Status.choices}
    return render(request, "disputes/hearings.html", context)


# --- both ledgers, the analysis, the rule -----------------------------------------------------------------
@reads_from_replica
@capability_required(Capability.VIEW_TOWN)
def ledgers(request: HttpRequest) -> HttpResponse:
    """民意诉求台账 and 矛盾纠纷台账 side by side, filtered alike; ``?format=xlsx`` gives one workbook."""
    user: Any = request.user
    both = BothLedgersFilter(request.GET or None, queryset=selectors.disputes_for(user), request=request)
    invalid = both.is_bound and not both.is_valid()
    demands = Demand.objects.restrict(user).select_related("cell", "category", "deputy")
    disputes = selectors.disputes_for(user)
    if invalid:
        demands, disputes = demands.none(), disputes.none()
    elif both.is_bound:
        demands, disputes = (
            _shared(demands, both.form.cleaned_data),
            _shared(disputes, both.form.cleaned_data),
        )
    if request.GET.get("format") == "xlsx" and not invalid:
        # ``first``: the ledger whose export button was pressed is the sheet the workbook opens on.
        asked = request.GET.get("first", "")
        first = asked if asked in exports.LEDGERS else "demands"
        return _xlsx(
            exports.ledgers_xlsx(demands, disputes, first=first),
            f"{_('Both ledgers')}-{timezone.localdate():%Y%m%d}.xlsx",
        )
    context = {
        "filter": both,
        "demands": demands[:PER_PAGE],
        "demand_total": demands.count(),
        "disputes": disputes[:PER_PAGE],
        "dispute_total": disputes.count(),
        "may_analyse": can(user, Capability.READ_TOWN_CASES),
    }
    return render(request, "disputes/ledgers.html", context, status=400 if invalid else 200)


def _shared(rows: QS, data: dict[str, Any]) -> QS:
    """What both ledgers share of a filter: the cell and the days of registration."""
    if data.get("cell"):
        rows = rows.filter(cell=data["cell"])
    span = data.get("created")
    if span and span.start:
        rows = rows.filter(created_at__gte=timezone.make_aware(dt.datetime.combine(span.start, dt.time())))
    if span and span.stop:
        stop = timezone.make_aware(dt.datetime.combine(span.stop, dt.time())) + dt.timedelta(days=1)
        rows = rows.filter(created_at__lt=stop)
    return rows


def _month(value: str | None) -> dt.date | None:
    today = timezone.localtime(clock.now()).date()
    if not value:
        return today.replace(day=1)
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


@reads_from_replica
@capability_required(Capability.READ_TOWN_CASES)
def monthly(request: HttpRequest) -> HttpResponse:
    """高频分析 for the presidium (and the county, over its towns): ``?month=YYYY-MM``, ``&format=xlsx``."""
    month = _month(request.GET.get("month"))
    if month is None:
        refused = {
            "problem": _("Give the month as YYYY-MM, e.g. 2026-05."),
            "rows": [],
            "months": [],
            "month": request.GET.get("month", ""),
        }
        return render(request, "disputes/analysis.html", refused, status=400)
    rows = analysis.monthly(user=request.user, month=month)
    months = [f"{analysis.add_months(month, i):%Y-%m}" for i in range(-3, 1)]
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.analysis_xlsx(rows, months), f"{_('High-frequency analysis')}-{month:%Y%m}.xlsx")
    context: dict[str, Any] = {"rows": rows, "months": months, "month": f"{month:%Y-%m}", "problem": ""}
    return render(request, "disputes/analysis.html", context)


@login_required
def risk_rule(request: HttpRequest) -> HttpResponse:
    """The presidium tunes the town's risk rule; it applies to disputes registered or reassessed from now."""
    user: Any = request.user
    if not may_tune_rule(user):
        raise PermissionDenied
    rule = rule_of(user.town_id)
    form = RiskRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved.town_id = user.town_id
            saved.updated_at = clock.now()
            saved.save()
            messages.success(request, _("The risk rule is saved."))
            return redirect("disputes:risk_rule")
        return render(request, "disputes/risk_rule.html", {"form": form}, status=400)
    return render(request, "disputes/risk_rule.html", {"form": form})
