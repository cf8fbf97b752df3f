"""The product's URLs, plus the benchmark's two baselines (never in config/urls.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    """The cheapest Django answer: the server's and the framework's fixed cost."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def bare_authenticated(request: HttpRequest) -> HttpResponse:
    """A signed-in user and the project's base template with nothing in it: every page's floor."""
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/ok/", bare, name="bench_ok"),
    path("bench/auth/", bare_authenticated, name="bench_auth"),
    path("", include("config.urls")),
]
