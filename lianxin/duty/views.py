"""The duty pages: they parse input, call a service or selector, and render. An object outside the
user's scope is a 404; a refused move a 403; a wrong state a 409; bad input a 400 with the input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.forms import ActionForm, form_errors
from lianxin.core.ids import query_id
from lianxin.core.media import file_response
from lianxin.core.qr import render_qr
from lianxin.core.views import act, move_forms
from lianxin.core.workflow import TransitionError, workflow_of
from lianxin.people.models import Deputy
from lianxin.territory.models import Station

from . import codes, offline, selectors, services
from . import forms as f
from .kinds import Activity, ActivityStatus, ShiftStatus
from .models import ManualActivity, Shift, Visit, VisitMatter
from .permissions import deputy_of, may_read_record
from .points import weights as point_weights

C = Capability


def _problem(error: Exception) -> str:
    return _("Not done: %(reason)s") % {"reason": " ".join(getattr(error, "messages", [str(error)]))}


def _year(request: HttpRequest) -> int:
    year = query_id(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else selectors.this_year()


def _record_deputy(request: HttpRequest, pk: int) -> Deputy:
    deputy = Deputy.objects.restrict(request.user).filter(pk=pk).first()
    if deputy is None or not may_read_record(request.user, deputy):
        raise Http404
    return deputy


# --- home -------------------------------------------------------------------------------------------
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = deputy_of(user)
    manages = can(user, C.MANAGE_DUTY)
    if deputy is None and not manages:
        raise PermissionDenied
    context = {
        "deputy": deputy,
        "manages": manages,
        "shifts": selectors.my_shifts(deputy=deputy) if deputy else [],
        "missed": selectors.missed_shifts(user=user)[:10] if manages else [],
        "waiting": selectors.activities_waiting(user=user).count() if manages else 0,
    }
    return render(request, "duty/home.html", context)


# --- the record, points and the report ----------------------------------------------------------------
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = _record_deputy(request, pk)
    year = _year(request)
    record = selectors.deputy_record(user=request.user, deputy=deputy, year=year)
    return render(request, "duty/profile.html", {"deputy": deputy, "year": year, "record": record})


def report(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = _record_deputy(request, pk)
    year = _year(request)
    own = deputy_of(request.user)
    is_own = own is not None and own.pk == deputy.pk
    status = 200
    if request.method == "POST":
        form = f.ReportTextForm(request.POST)
        if form.is_valid():
            try:
                services.report_save_text(
                    deputy=deputy, year=year, actor=request.user, text=form.cleaned_data["own_text"]
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Your words are saved; they will be in the report."))
                return redirect(f"{reverse('duty:report', args=[deputy.pk])}?year={year}")
        status = 400
    else:
        form = f.ReportTextForm(initial={"own_text": selectors.report_text(deputy=deputy, year=year)})
    from .report import report_context

    context = report_context(user=request.user, deputy=deputy, year=year) | {"form": form, "is_own": is_own}
    return render(request, "duty/report.html", context, status=status)


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = _record_deputy(request, pk)
    year = _year(request)
    from .report import report_pdf as make

    response = HttpResponse(make(user=request.user, deputy=deputy, year=year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="duty-report-{year}-{deputy.pk}.pdf"'
    return response


@capability_required(C.MANAGE_DUTY)
def rankings(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(
        request,
        "duty/rankings.html",
        {"year": year, "rows": selectors.rankings(user=request.user, year=year)},
    )


@capability_required(C.MANAGE_DUTY)
def weights(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    town = user.town
    if town is None:
        raise Http404
    current = point_weights(town.pk)
    status = 200
    errors: dict[str, list[str]] = {}
    values = {k: str(v) for k, v in current.items()}
    if request.method == "POST":
        values = {k: request.POST.get(k, values[k]) for k in Activity.values}
        try:
            changed = services.weights_save(town=town, actor=user, weights=values)
        except ValidationError as error:
            errors, status = error.message_dict, 400
        else:
            messages.success(request, _("Weights saved (%(n)s changed).") % {"n": changed})
            return redirect("duty:weights")
    rows = [(k, Activity(k).label, values[k], errors.get(k, [])) for k in Activity.values]
    return render(request, "duty/weights.html", {"rows": rows, "has_errors": bool(errors)}, status=status)


# --- the rota and check-in ----------------------------------------------------------------------------
def _days(value: str | None) -> int | None:
    """``?missed=7``: the missed shifts of the last 7 days (the presidium's desk links here)."""
    return int(value) if value and value.isdigit() and 0 < int(value) <= 366 else None


@capability_required(C.MANAGE_DUTY)
def rota(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    status = 200
    if request.method == "POST":
        form = f.WeeklyShiftsForm(request.POST, town_id=user.town_id)
        if form.is_valid():
            try:
                made = services.rota_plan_weekly(actor=user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("%(n)s shifts planned.") % {"n": len(made)})
                return redirect("duty:rota")
        status = 400
    else:
        form = f.WeeklyShiftsForm(town_id=user.town_id)
    context = {
        "form": form,
        "upcoming": selectors.upcoming_shifts(user=user),
        "missed": selectors.missed_shifts(user=user, days=_days(request.GET.get("missed")))[:50],
        "missed_days": _days(request.GET.get("missed")),
        "stations": Station.objects.restrict(user).order_by("kind", "name"),
    }
    return render(request, "duty/rota.html", context, status=status)


@capability_required(C.MANAGE_DUTY)
def station_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The page for the station's screen (or to print for the week): this period's QR code and the code
    to type. It reloads itself, so the screen shows the new code when the period turns."""
    station = get_object_or_404(Station.objects.restrict(request.user), pk=pk)
    response = render(
        request, "duty/station_screen.html", {"station": station, "code": codes.current(station)}
    )
    response["Cache-Control"] = "no-store"
    return response


@capability_required(C.MANAGE_DUTY)
def station_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """This period's check-in QR code: the check-in page's address with the code, valid until the next
    period ends (``codes.py``); the address of this image carries no code."""
    station = get_object_or_404(Station.objects.restrict(request.user), pk=pk)
    path = reverse("duty:check_in", args=[station.pk]) + f"?code={codes.current(station).code}"
    body, content_type = render_qr(request.build_absolute_uri(path), "svg")
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def check_in(request: HttpRequest, station_pk: int) -> HttpResponse:
    """What the deputy's phone opens when they scan the station's code: check in, receptions, check out."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = deputy_of(user)
    if deputy is None:
        raise PermissionDenied
    station = get_object_or_404(Station.objects.restrict(user), pk=station_pk)
    # The code comes in the QR's address (scanned) or typed into the form; a refusal shows what was typed.
    code = (request.POST.get("code") if request.method == "POST" else None) or request.GET.get("code", "")
    code = code.strip()[:40]
    problem, status = "", 200
    reception = f.ReceptionForm(town_id=station.town_id)
    if request.method == "POST":
        action = request.POST.get("action")
        shift = Shift.objects.filter(
            deputy=deputy, station=station, pk=query_id(request.POST.get("shift")) or 0
        ).first()
        try:
            if action == "check_in":
                services.shift_check_in(station=station, actor=user, code=code)
                messages.success(request, _("Checked in. Thank you for being on duty."))
            elif action == "check_out" and shift is not None:
                services.shift_check_out(shift=shift, actor=user)
                messages.success(request, _("Checked out."))
            elif action == "reception" and shift is not None:
                reception = f.ReceptionForm(request.POST, town_id=station.town_id)
                if not reception.is_valid():
                    raise ValidationError(_("Please fix what is marked below and send again."))
                services.reception_log(shift=shift, actor=user, **reception.cleaned_data)
                messages.success(request, _("Reception logged."))
            else:
                raise ValidationError(_("Choose what to do."))
        except TransitionError as error:
            problem, status = _problem(error), 409
        except ValidationError as error:
            if action == "reception" and reception.is_bound and hasattr(error, "error_dict"):
                form_errors(reception, error)
            problem, status = _problem(error), 400
        else:
            return redirect(reverse("duty:check_in", args=[station.pk]))
    context = {
        "station": station,
        "code": code,
        "shift": selectors.shift_at(deputy=deputy, station=station),
        "reception": reception,
        "problem": problem,
        "on_duty": ShiftStatus.ON_DUTY,
    }
    return render(request, "duty/check_in.html", context, status=status)


# --- visits -------------------------------------------------------------------------------------------
def _keeper(request: HttpRequest) -> Deputy | None:
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if deputy_of(user) is None and not can(user, C.MANAGE_DUTY):
        raise PermissionDenied
    return deputy_of(user)


def visits(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = _keeper(request)
    user: Any = request.user
    record_form = plan_form = None
    status = 200
    if deputy is not None:
        record_form = f.VisitRecordForm(deputy=deputy, prefix="record")
        plan_form = f.VisitPlanForm(deputy=deputy, prefix="plan")
        if request.method == "POST":
            which = request.POST.get("action")
            try:
                if which == "record":
                    record_form = f.VisitRecordForm(request.POST, deputy=deputy, prefix="record")
                    if record_form.is_valid():
                        data = record_form.cleaned_data
                        key = data.pop("intake_key")
                        visit = services.visit_record(actor=user, key=key, **data)
                        if not getattr(visit, "replayed", False):  # said once, on the page opened next
                            messages.success(request, _("Visit logged."))
                        if offline.queued(request):
                            return offline.accepted(visit)
                        return redirect("duty:visit", pk=visit.pk)
                elif which == "plan":
                    plan_form = f.VisitPlanForm(request.POST, deputy=deputy, prefix="plan")
                    if plan_form.is_valid():
                        services.visit_plan(actor=user, **plan_form.cleaned_data)
                        messages.success(request, _("Visit planned."))
                        return redirect("duty:visits")
            except ValidationError as error:
                form_errors(record_form if which == "record" else plan_form, error)
            if which == "record" and offline.queued(request):  # the phone keeps it, with what to fix
                return offline.refused(record_form)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "visits": selectors.visits_of(user=user)[:100],
        "record_form": record_form,
        "plan_form": plan_form,
    }
    return render(request, "duty/visits.html", context, status=status)


def visit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: Any = request.user
    obj = get_object_or_404(selectors.visits_of(user=user), pk=pk)
    flow = workflow_of(Visit)
    log_form = f.VisitLogForm(prefix="log")
    demand_form = f.ToDemandForm(town_id=obj.town_id, prefix="demand")
    problem, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "visit_log":
                log_form = f.VisitLogForm(request.POST, prefix="log")
                if not log_form.is_valid():
                    raise ValidationError(_("Please fix what is marked below and send again."))
                services.visit_log(visit=obj, actor=user, **log_form.cleaned_data)
                messages.success(request, _("Visit logged."))
            elif action == "visit_cancel":
                services.visit_cancel(visit=obj, actor=user)
            elif action == "to_demand":
                matter = get_object_or_404(
                    VisitMatter.objects.filter(visit=obj), pk=query_id(request.POST.get("matter")) or 0
                )
                demand_form = f.ToDemandForm(request.POST, town_id=obj.town_id, prefix="demand")
                if not demand_form.is_valid():
                    raise ValidationError(_("Choose the category of the demand."))
                demand = services.matter_to_demand(matter=matter, actor=user, **demand_form.cleaned_data)
                messages.success(request, _("Recorded as %(code)s.") % {"code": demand.code})
            else:
                raise Http404
        except PermissionDenied:
            raise
        except TransitionError as error:
            problem, status = _problem(error), 409
        except ValidationError as error:
            if action == "visit_log" and hasattr(error, "error_dict"):
                form_errors(log_form, error)
            problem, status = _problem(error), 400
        else:
            return redirect("duty:visit", pk=obj.pk)
    obj.refresh_from_db()
    context = {
        "visit": obj,
        "moves": [m.action for m in flow.allowed(user, obj)],
        "matters": obj.matters.select_related("demand"),
        "log_form": log_form,
        "demand_form": demand_form,
        "problem": problem,
        "may_log": user.has_perm(flow.permission("visit_log"), obj),
        "events": obj.events.order_by("at", "pk"),
        "flow": flow,
    }
    return render(request, "duty/visit.html", context, status=status)


def coverage(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _keeper(request)
    days = query_id(request.GET.get("days")) or 30
    days = min(max(days, 1), 365)
    rows = selectors.coverage(user=request.user, days=days)
    return render(
        request, "duty/coverage.html", {"rows": rows, "days": days, "stale": sum(r.stale for r in rows)}
    )


# --- activities entered by hand -------------------------------------------------------------------------
def activities(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    deputy = _keeper(request)
    user: Any = request.user
    form = f.ActivityForm() if deputy else None
    status = 200
    if request.method == "POST":
        if deputy is None:
            raise PermissionDenied
        form = f.ActivityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.activity_submit(actor=user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Entered; it counts once the presidium confirms it."))
                return redirect("duty:activities")
        status = 400
    return _activities_page(request, form=form, status=status)


def _activities_page(
    request: HttpRequest,
    *,
    form: f.ActivityForm | None,
    status: int,
    bound_to: ManualActivity | None = None,
    bound: ActionForm | None = None,
) -> HttpResponse:
    """The list with each activity's moves; the move posted on ``bound_to`` comes back with its errors."""
    qs = ManualActivity.objects.restrict(request.user).select_related("deputy")
    waiting = request.GET.get("status") == ActivityStatus.SUBMITTED  # the presidium's desk links here
    if waiting:
        qs = qs.filter(status=ActivityStatus.SUBMITTED)
    rows = qs.order_by("status", "-happened_on")[:200]
    context = {
        "form": form,
        "rows": [(a, move_forms(request, a, bound if a == bound_to else None)) for a in rows],
    }
    return render(request, "duty/activities.html", context, status=status)


def _activity_page(
    request: HttpRequest,
    activity: ManualActivity,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    # the core act view's page of one activity: the list, where its moves are (``problem`` does not
    # occur: a refused move is a message on the fresh list, see ``on_conflict`` below)
    form = f.ActivityForm() if _keeper(request) else None
    return _activities_page(request, form=form, status=status, bound_to=activity, bound=bound)


def activity_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One move of a hand-entered activity (the core's act view). The page is a list of many, so a
    refused move is a message on the fresh list rather than a 409 of the old one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        raise Http404

    def fetch() -> ManualActivity:
        return get_object_or_404(ManualActivity.objects.restrict(request.user), pk=pk)

    return act(
        request,
        fetch(),
        action,
        page=_activity_page,
        refetch=fetch,
        done=lambda: redirect("duty:activities"),
        on_conflict="redirect",
    )


def activity_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of a hand-entered activity, for the deputy and the presidium (404 for anyone else)."""
    activity = get_object_or_404(ManualActivity.objects.restrict(request.user).exclude(evidence=""), pk=pk)
    return file_response(
        request, activity.evidence, f"{activity.title}{_suffix(activity.evidence.name or '')}"
    )


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""
