"""Supervision pages: the staff's projects, votes and suggestions, and the public project pages.

Views parse input, call a selector or a service, and render. Objects are fetched through ``restrict`` (in
the selectors), so one outside the reader's scope is a 404. One ``act`` view makes whichever move of a
table is posted: 403 if the role may not, 400 on bad input (kept), 409 if the state forbids it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.audit.reveal import reveal, reveal_on_page
from lianxin.core import clock, masking
from lianxin.core.access import may_reveal_in_town
from lianxin.core.forms import RevealForm, form_errors
from lianxin.core.media import file_response
from lianxin.core.models import Town
from lianxin.core.views import act as core_act
from lianxin.core.views import move_forms

from . import selectors, services
from .forms import (
    ActionForm,
    DraftPlanForm,
    EnterpriseDemandForm,
    EnterpriseForm,
    LaunchForm,
    OpenVoteForm,
    PlanForm,
    PlanItemForm,
    ProposeForm,
    StationEventForm,
)
from .models import (
    Enterprise,
    InquirySession,
    PlanItem,
    Project,
    ProjectStatus,
    StationEvent,
    Suggestion,
    SupervisionPlan,
    Theme,
    VoteSession,
)
from .workflow import NOT_ON_PAGES


def _moves(
    request: HttpRequest, obj: Any, bound: ActionForm | None, problem: str, act_url: str
) -> dict[str, Any]:
    """What every detail page of a supervision workflow shows of its moves: the timeline, the forms of the
    moves the reader may make (the bound one with its errors), the problem of a refused move."""
    return {
        "timeline": selectors.timeline(obj),
        "action_forms": move_forms(request, obj, bound, hidden=NOT_ON_PAGES),
        "open_action": bound.prefix if bound is not None else "",
        "problem": problem,
        "act_url": act_url,
    }


# --- the staff's pages ---------------------------------------------------------------------------------
def _form_page(request: HttpRequest, form: Form, title: str, status: int = 200) -> HttpResponse:
    return render(request, "supervision/form.html", {"form": form, "title": title}, status=status)


def _create(
    request: HttpRequest,
    form: Form,
    title: str,
    make: Callable[..., Any],
    then: str,
    done: str = "",
    pk: Callable[[Any], int] = lambda obj: obj.pk,
) -> HttpResponse:
    """A page that makes one thing with a service: the form, then ``make(**cleaned_data)``; on success a
    message and the ``then`` page of the new thing, else the form again with its errors (400, input kept)."""
    if request.method != "POST":
        return _form_page(request, form, title)
    if form.is_valid():
        try:
            made = make(**form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            if done:
                messages.success(request, done)
            return redirect(then, pk=pk(made))
    return _form_page(request, form, title, 400)


@capability_required(Capability.VIEW_TOWN)
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    years, year = selectors.year_chips(selectors.project_years(user=user), request.GET.get("year"))
    rows = selectors.projects(user=user, year=year)
    context = {
        "years": years,
        "year": year,
        "projects": rows,
        "totals": selectors.project_totals(rows),
        "sessions": selectors.vote_sessions(user=user)[:10],
        "suggestions": selectors.suggestions(user=user)[:10],
        "may_manage": user.can(Capability.SUPERVISE),
        "plan": (plan := selectors.plan_of_year(user=user, year=year)),
        "plan_progress": selectors.plan_progress(plan) if plan is not None else [],
    }
    return render(request, "supervision/index.html", context)


@capability_required(Capability.SUPERVISE)
def propose(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProposeForm(request.POST or None, town=user.town, initial={"year": clock.now().year, "budget": 0})
    make = functools.partial(services.project_propose, town=user.town, actor=user)
    return _create(
        request, form, _("New candidate project"), make, "supervision:project", _("Candidate added.")
    )


@capability_required(Capability.SUPERVISE)
def open_vote(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = OpenVoteForm(request.POST or None, town=user.town, initial={"year": clock.now().year})
    make = functools.partial(services.vote_open, town=user.town, actor=user)
    title = _("Open the vote on candidates")
    return _create(request, form, title, make, "supervision:vote", _("The vote is open."))


def _get(request: HttpRequest, model: type[models.Model], pk: int) -> Any:
    return get_object_or_404(model.objects.restrict(request.user), pk=pk)  # type: ignore[attr-defined]


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = {
        "project": project,
        "milestones": selectors.milestones(project, user=user),
        "inspections": selectors.inspections(project, user=user),
        "satisfaction": services.satisfaction_of(project),
        "supervisors": project.supervisors.all(),
        **_moves(request, project, bound, problem, "supervision:project_act"),
    }
    return render(request, "supervision/project.html", context, status=status)


def _vote_page(
    request: HttpRequest,
    session: VoteSession,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "session": session,
        "candidates": session.projects.order_by("-votes_for", "title"),
        "voters": session.ballots_in,
        "cast": session.ballots.count(),
        "threshold": session.threshold(session.ballots_in),
        **_moves(request, session, bound, problem, "supervision:vote_act"),
    }
    return render(request, "supervision/vote.html", context, status=status)


def _suggestion_page(
    request: HttpRequest,
    suggestion: Suggestion,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    from lianxin.demands.models import Demand

    demands = Demand.objects.restrict(request.user).filter(suggestion_links__suggestion=suggestion)
    context = {
        "suggestion": suggestion,
        "demands": demands,
        "hidden_demands": suggestion.links.count() - demands.count(),
        **_moves(request, suggestion, bound, problem, "supervision:suggestion_act"),
    }
    return render(request, "supervision/suggestion.html", context, status=status)


def _inquiry_page(
    request: HttpRequest,
    session: InquirySession,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "session": session,
        "questions": session.questions.select_related("department", "asked_by", "demand"),
        "departments": session.departments.all(),
        "deputies": session.deputies.all(),
        **_moves(request, session, bound, problem, "supervision:inquiry_act"),
    }
    return render(request, "supervision/inquiry.html", context, status=status)


def _day(value: str | None) -> dt.date | None:
    """``?on=YYYY-MM-DD``: one day's sessions (the presidium's desk links to today's)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@capability_required(Capability.VIEW_TOWN)
def inquiries(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("on"))
    rows = (
        selectors.inquiry_sessions_on(user=request.user, day=day)
        if day is not None
        else selectors.inquiry_sessions(user=request.user)
    )
    context = {
        "day": day,
        "sessions": rows,
        "totals": selectors.inquiry_totals(rows),
        "may_manage": request.user.can(Capability.SUPERVISE),  # type: ignore[union-attr]
    }
    return render(request, "supervision/inquiries.html", context)


@capability_required(Capability.SUPERVISE)
def plan_inquiry(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PlanForm(request.POST or None, town=user.town)
    make = functools.partial(services.inquiry_plan, town=user.town, actor=user)
    title = _("Plan a session in the station")
    return _create(request, form, title, make, "supervision:inquiry", _("Session planned."))


@capability_required(Capability.VIEW_TOWN)
def inquiry(request: HttpRequest, pk: int) -> HttpResponse:
    return _inquiry_page(request, _get(request, InquirySession, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def inquiry_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, InquirySession, pk, action)


def _theme_page(
    request: HttpRequest,
    theme: Theme,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    from lianxin.demands.models import Demand

    context = {
        "theme": theme,
        "departments": theme.departments.all(),
        "deputies": theme.deputies.all(),
        "demands": Demand.objects.restrict(request.user).filter(pk__in=theme.demands.values("pk")),
        "inspections": selectors.inspections(theme, user=request.user),
        **_moves(request, theme, bound, problem, "supervision:theme_act"),
    }
    return render(request, "supervision/theme.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
def themes(request: HttpRequest) -> HttpResponse:
    context = {
        "themes": selectors.themes(user=request.user),
        "may_manage": request.user.can(Capability.SUPERVISE),  # type: ignore[union-attr]
    }
    return render(request, "supervision/themes.html", context)


@capability_required(Capability.SUPERVISE)
def launch_theme(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = LaunchForm(request.POST or None, town=user.town)
    make = functools.partial(services.theme_launch, town=user.town, actor=user)
    title = _("Plan a themed supervision")
    return _create(request, form, title, make, "supervision:theme", _("Themed supervision planned."))


@capability_required(Capability.VIEW_TOWN)
def theme(request: HttpRequest, pk: int) -> HttpResponse:
    return _theme_page(request, _get(request, Theme, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def theme_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, Theme, pk, action)


# --- the industry station -------------------------------------------------------------------------------
def _contact(enterprise: Enterprise, *, revealed: bool) -> dict[str, str]:
    """The enterprise's contact person, masked for every reader but in the answer to a reveal."""
    if revealed:
        return {"name": enterprise.contact_name, "phone": enterprise.contact_phone}
    return {
        "name": masking.mask_name(enterprise.contact_name),
        "phone": masking.mask_phone(enterprise.contact_phone),
    }


def _may_reveal_contact(user: Any, enterprise: Enterprise) -> bool:
    """The presidium of the enterprise's town (``view_personal_data``) may ask for the contact in full."""
    has_contact = bool(enterprise.contact_name or enterprise.contact_phone)
    return has_contact and may_reveal_in_town(user, enterprise)


@capability_required(Capability.VIEW_TOWN)
def industry(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    events = selectors.station_events(user=user)
    context = {
        "enterprises": selectors.enterprises(user=user),
        "events": events,
        "totals": selectors.station_totals(events),
        "may_manage": user.can(Capability.SUPERVISE),
    }
    return render(request, "supervision/industry.html", context)


@capability_required(Capability.SUPERVISE)
def register_enterprise(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = EnterpriseForm(request.POST or None, town=user.town)
    make = functools.partial(services.enterprise_register, town=user.town, actor=user)
    return _create(request, form, _("Register an enterprise"), make, "supervision:enterprise")


@capability_required(Capability.VIEW_TOWN)
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise, its demands (in the reader's scope) and, for who records, the form for a new one."""
    user: Any = request.user
    item = _get(request, Enterprise, pk)
    may_record = user.can(Capability.RECORD_FOR_OTHERS)
    form = EnterpriseDemandForm(request.POST or None, town=item.town) if may_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                demand = services.enterprise_demand_record(enterprise=item, actor=user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Recorded as %(code)s.") % {"code": demand.code})
                return redirect("supervision:enterprise", pk=pk)
        status = 400
    return _enterprise_page(request, item, form=form, status=status)


def _enterprise_page(
    request: HttpRequest,
    item: Enterprise,
    *,
    form: Any = None,
    status: int = 200,
    revealed: bool = False,
    reveal_form: RevealForm | None = None,
) -> HttpResponse:
    from lianxin.demands.models import Demand

    user: Any = request.user
    if form is None and user.can(Capability.RECORD_FOR_OTHERS):
        form = EnterpriseDemandForm(town=item.town)
    context = {
        "enterprise": item,
        "contact": _contact(item, revealed=revealed),
        "revealed": revealed,
        "may_reveal": _may_reveal_contact(user, item),
        "reveal_form": reveal_form or RevealForm(),
        "demands": Demand.objects.restrict(user)
        .filter(enterprise_link__enterprise=item)
        .order_by("-created_at"),
        "form": form,
    }
    return render(request, "supervision/enterprise.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
@require_POST
def enterprise_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact person in full, once, with a reason that goes to the audit trail."""
    user: Any = request.user
    item = _get(request, Enterprise, pk)
    if not _may_reveal_contact(user, item):
        raise PermissionDenied
    form, status, _done = reveal_on_page(
        request, lambda reason: reveal(request=request, obj=item, reason=reason, details=["name", "phone"])
    )
    return _enterprise_page(request, item, revealed=status == 200, reveal_form=form, status=status)


@capability_required(Capability.SUPERVISE)
def record_station_event(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = StationEventForm(request.POST or None, town=user.town)
    make = functools.partial(services.station_event_record, town=user.town, actor=user)
    return _create(request, form, _("Record an industry station event"), make, "supervision:station_event")


def _station_event_page(
    request: HttpRequest,
    event: StationEvent,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "event": event,
        **_moves(request, event, bound, problem, "supervision:station_event_act"),
    }
    return render(request, "supervision/station_event.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
def station_event(request: HttpRequest, pk: int) -> HttpResponse:
    return _station_event_page(request, _get(request, StationEvent, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def station_event_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, StationEvent, pk, action)


# --- the year's supervision plan ------------------------------------------------------------------------
@capability_required(Capability.VIEW_TOWN)
def plans(request: HttpRequest) -> HttpResponse:
    rows = [(plan, selectors.plan_progress(plan)[-1]) for plan in selectors.plans(user=request.user)]
    context = {"plans": rows, "may_manage": request.user.can(Capability.SUPERVISE)}  # type: ignore[union-attr]
    return render(request, "supervision/plans.html", context)


@capability_required(Capability.SUPERVISE)
def draft_plan(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    title = _("Draft the year's supervision plan")
    year = clock.now().year
    initial = {
        "year": year,
        "title": _("Supervision plan of the town congress presidium for %(year)s") % {"year": year},
    }
    form = DraftPlanForm(request.POST or None, initial=initial)
    make = functools.partial(services.plan_draft, town=user.town, actor=user)
    return _create(request, form, title, make, "supervision:plan", _("Plan drafted; now add its items."))


def _plan_page(
    request: HttpRequest,
    plan: SupervisionPlan,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    context = {
        "plan": plan,
        "progress": selectors.plan_progress(plan),
        "items": selectors.plan_items(plan, user=request.user),
        "may_manage": user.can(Capability.SUPERVISE) and user.town_id == plan.town_id,
        **_moves(request, plan, bound, problem, "supervision:plan_act"),
    }
    return render(request, "supervision/plan.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _get(request, SupervisionPlan, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def plan_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, SupervisionPlan, pk, action)


@capability_required(Capability.SUPERVISE)
def add_plan_item(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    plan = _get(request, SupervisionPlan, pk)
    title = _("Add an item to %(plan)s") % {"plan": plan.title}
    form = PlanItemForm(request.POST or None, town=plan.town)
    make = functools.partial(services.plan_add_item, plan=plan, actor=user)
    return _create(request, form, title, make, "supervision:plan", _("Item added."), pk=lambda _item: plan.pk)


def _plan_item_page(
    request: HttpRequest,
    item: PlanItem,
    *,
    bound: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "item": item,
        **_moves(request, item, bound, problem, "supervision:plan_item_act"),
    }
    return render(request, "supervision/plan_item.html", context, status=status)


@capability_required(Capability.VIEW_TOWN)
def plan_item(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_item_page(request, _get(request, PlanItem, pk))


@capability_required(Capability.VIEW_TOWN)
@require_POST
def plan_item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, PlanItem, pk, action)


PAGES: dict[type[models.Model], Any] = {
    SupervisionPlan: (_plan_page, "supervision:plan"),
    PlanItem: (_plan_item_page, "supervision:plan_item"),
    StationEvent: (_station_event_page, "supervision:station_event"),
    Theme: (_theme_page, "supervision:theme"),
    InquirySession: (_inquiry_page, "supervision:inquiry"),
    Project: (_project_page, "supervision:project"),
    VoteSession: (_vote_page, "supervision:vote"),
    Suggestion: (_suggestion_page, "supervision:suggestion"),
}


@capability_required(Capability.VIEW_TOWN)
def project(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _get(request, Project, pk))


@capability_required(Capability.VIEW_TOWN)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    return _vote_page(request, _get(request, VoteSession, pk))


@capability_required(Capability.VIEW_TOWN)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "supervision/suggestions.html", {"suggestions": selectors.suggestions(user=request.user)}
    )


@capability_required(Capability.VIEW_TOWN)
def suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    return _suggestion_page(request, _get(request, Suggestion, pk))


def _act(request: HttpRequest, model: type[models.Model], pk: int, action: str) -> HttpResponse:
    page, name = PAGES[model]
    return core_act(
        request,
        _get(request, model, pk),
        action,
        page=page,
        refetch=lambda: _get(request, model, pk),
        done=lambda: redirect(name, pk=pk),
        hidden=NOT_ON_PAGES,
    )


@capability_required(Capability.VIEW_TOWN)
@require_POST
def project_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, Project, pk, action)


@capability_required(Capability.VIEW_TOWN)
@require_POST
def vote_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, VoteSession, pk, action)


@capability_required(Capability.VIEW_TOWN)
@require_POST
def suggestion_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, Suggestion, pk, action)


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.photos_visible_to(request.user), pk=pk)
    return file_response(request, item.file, item.name)


# --- public pages ------------------------------------------------------------------------------------------
def public_projects(request: HttpRequest, town_code: str) -> HttpResponse:
    town = get_object_or_404(Town, code=town_code)
    rows = selectors.public_projects(town=town)
    years, year = selectors.year_chips({p.year for p in rows}, request.GET.get("year"))
    shown = rows.filter(year=year)
    context = {
        "town": town,
        "years": years,
        "year": year,
        "projects": shown,
        "totals": selectors.project_totals(shown),
        "statuses": ProjectStatus,
        "plan": (plan := selectors.public_plan(town=town, year=year)),
        "plan_total": selectors.plan_progress(plan)[-1] if plan is not None else None,
    }
    return render(request, "supervision/public_projects.html", context)


def public_project(request: HttpRequest, town_code: str, pk: int) -> HttpResponse:
    town = get_object_or_404(Town, code=town_code)
    project = get_object_or_404(selectors.public_projects(town=town), pk=pk)
    context = {
        "town": town,
        "project": project,
        "milestones": selectors.public_milestones(project),
        "inspections": selectors.public_inspections(project),
        "satisfaction": services.satisfaction_of(project),
        "timeline": selectors.timeline(project, public=True),
    }
    return render(request, "supervision/public_project.html", context)


def public_plan(request: HttpRequest, town_code: str) -> HttpResponse:
    """The adopted plan of a year (this year's, else the latest, by default), its items and progress; never a
    draft."""
    town = get_object_or_404(Town, code=town_code)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    # this year's plan when it is adopted, else the latest one
    plan = selectors.public_plan(town=town, year=year or selectors.this_year()) or (
        selectors.public_plan(town=town) if year is None else None
    )
    if plan is None:
        raise Http404
    context = {
        "town": town,
        "plan": plan,
        "progress": selectors.plan_progress(plan),
        "items": selectors.plan_items(plan, user=None, public=True),
    }
    return render(request, "supervision/public_plan.html", context)
