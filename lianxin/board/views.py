"""The presidium's redaction page: read the demand, edit the public words, publish or withdraw."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.demands.models import Demand

from . import selectors, services
from .forms import PublicationForm


@capability_required(Capability.SUPERVISE)
def queue(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "waiting")
    stage = stage if stage in ("waiting", "published", "all") else "waiting"
    rows = selectors.redaction_queue(user=request.user, stage=stage)[:200]
    return render(request, "board/queue.html", {"demands": rows, "stage": stage})


@capability_required(Capability.SUPERVISE)
def redact(request: HttpRequest, code: str) -> HttpResponse:
    demand = get_object_or_404(
        Demand.objects.restrict(request.user).filter(status__in=selectors.PUBLISHABLE), code=code
    )
    publication = getattr(demand, "publication", None)
    status = 200
    if request.method == "POST":
        form = PublicationForm(request.POST)
        if form.is_valid():
            try:
                services.publication_save(
                    demand=demand,
                    actor=request.user,
                    published=request.POST.get("action") == "publish",
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    form.add_error(None if field == "__all__" else field, messages)
            else:
                return redirect("board:queue")
        status = 400
    else:
        initial = (
            {"title": publication.title, "text": publication.text, "result": publication.result}
            if publication
            else services.publication_draft(demand)
        )
        form = PublicationForm(initial=initial)
    context = {"demand": demand, "form": form, "publication": publication}
    return render(request, "board/redact.html", context, status=status)
