from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .permissions import demands_visible_to


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    demand = get_object_or_404(demands_visible_to(request.user), code=code)
    return render(request, "demands/detail.html", {"demand": demand})
