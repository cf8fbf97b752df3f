from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from lianxin.accounts.roles import Capability
from lianxin.core.routers import reads_from_replica

from .selectors import town_summary


def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their work: a deputy or a department on their inbox, the office on the town at a
    glance, an administrator on the tools of their duty; everyone else goes to sign in."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.can(Capability.CLAIM_DEMAND) or request.user.can(Capability.HANDLE_ASSIGNMENT):
        return redirect("demands:index")
    return town(request)


@reads_from_replica
def town(request: HttpRequest) -> HttpResponse:
    """The town at a glance (grid statistics), for whoever reads the town's workbench."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not request.user.can(Capability.VIEW_TOWN):
        # The admin's own index, cut to the models this account may use: its real tools, nothing more.
        tools = admin.site.get_app_list(request) if request.user.is_staff else []
        return render(request, "portal/welcome.html", {"tools": tools})
    return render(request, "portal/home.html", {"summary": town_summary(user=request.user)})


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site: send them to our own icon among the static files."""
    return redirect(static("favicon.svg"), permanent=True)
