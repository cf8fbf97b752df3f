from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lianxin.accounts.roles import Capability

from .selectors import town_summary


def home(request: HttpRequest) -> HttpResponse:
    """Staff see their town at a glance; everyone else goes to sign in."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not request.user.can(Capability.VIEW_TOWN):
        return render(request, "portal/welcome.html")
    return render(request, "portal/home.html", {"summary": town_summary(user=request.user)})
