from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.middleware import FOCUS
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.access import towns_visible_to
from lianxin.core.kit import desk_lines
from lianxin.core.routers import reads_from_replica

from .menu import landing
from .selectors import county_table, town_summary


def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their work (``menu.landing``): the county viewer on its towns side by side, a
    mediator on the dispute ledger, a deputy or a department on their inbox, the presidium on its desk, an
    administrator on the tools of their duty; everyone else goes to sign in."""
    if not request.user.is_authenticated:
        return redirect("login")
    target = landing(request.user)
    if target is not None:
        return redirect(target)
    return town(request)


@reads_from_replica
def town(request: HttpRequest) -> HttpResponse:
    """The town at a glance (grid statistics), for whoever reads the town's workbench; for the presidium,
    under its desk: what needs the office now, each line a link to the list of exactly those."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("login")
    if not user.can(Capability.VIEW_TOWN):
        # The admin's own index, cut to the models this account may use: its real tools, nothing more.
        tools = admin.site.get_app_list(request) if user.is_staff else []
        return render(request, "portal/welcome.html", {"tools": tools})
    desk = desk_lines(user, clock.now()) if user.can(Capability.SUPERVISE) and user.town_id else None
    return render(request, "portal/home.html", {"summary": town_summary(user=user), "desk": desk})


@reads_from_replica
@capability_required(Capability.VIEW_COUNTY)
def county(request: HttpRequest) -> HttpResponse:
    """The county viewer's towns side by side, with a picker to open one town (read only)."""
    user: Any = request.user
    request.session.pop(FOCUS, None)  # back to the whole county
    user.focus_town = None
    user.focus_town_id = None
    rows = county_table(user=user)
    totals = {
        name: sum(getattr(r, name) for r in rows)
        for name in ("deputies", "demands", "in_progress", "overdue", "disputes_open", "petition_risks")
    }
    return render(request, "portal/county.html", {"rows": rows, "totals": totals})


@capability_required(Capability.VIEW_COUNTY)
def county_town(request: HttpRequest, code: str = "") -> HttpResponse:
    """Open one town of the county (``/county/<code>/``, or the picker's ``?town=<code>``): from here on every
    page reads that town alone, read only, until the viewer goes back to the county."""
    user: Any = request.user
    picked = not code
    code = code or request.GET.get("town", "")
    request.session.pop(FOCUS, None)
    user.focus_town_id = None
    found = towns_visible_to(user).filter(code=code).first()
    if found is None:
        raise Http404
    if picked:
        return redirect("portal:county_town", code=found.code)
    request.session[FOCUS] = found.pk
    user.focus_town, user.focus_town_id = found, found.pk
    return render(request, "portal/county_town.html", {"town": found, "summary": town_summary(user=user)})


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site: send them to our own icon among the static files."""
    return redirect(static("favicon.svg"), permanent=True)
