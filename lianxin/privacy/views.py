"""A citizen's own data: shown on the mobile page and downloaded as JSON (PIPL's right to access and copy)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header

from lianxin import audit
from lianxin.core.models import Town
from lianxin.core.pdf import render_pdf
from lianxin.demands.states import Status

from .services import citizen_data


@login_required
def my_data(request: HttpRequest, town_code: str) -> HttpResponse:
    town = get_object_or_404(Town, code=town_code)
    user: Any = request.user
    if user.town_id != town.pk:
        raise Http404
    data = citizen_data(user)
    if request.GET.get("format") == "json":
        audit.record(audit.EXPORT, request=request, obj=user, label=user.get_username(), action="my_data")
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"lianxin-{town.code}-my-data.json"
        )
        return response
    context = {"town": town, "data": data, "readable": _readable(data)}
    if request.GET.get("format") == "pdf":  # the same, printable, in Chinese with local times
        audit.record(audit.EXPORT, request=request, obj=user, label=user.get_username(), action="my_data")
        with translation.override("zh-hans"):  # the town's form: Chinese whoever prints it
            data = citizen_data(user)
            context = {"town": town, "data": data, "readable": _readable(data)}
        pdf = render_pdf("privacy/my_data_pdf.html", context, language="zh-hans")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"lianxin-{town.code}-my-data.pdf"
        )
        return response
    return render(request, "privacy/my_data.html", context)


def _readable(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON's times as moments (shown in the town's local time) and its statuses in words."""

    def moment(value: Any) -> Any:
        return parse_datetime(value) if isinstance(value, str) else None

    def status(value: str) -> str:
        return str(Status(value).label) if value in Status.values else value

    account = data["account"]
    return {
        "joined": moment(account.get("joined")),
        "last_sign_in": moment(account.get("last_sign_in")),
        "demands": [
            {**d, "recorded": moment(d.get("recorded_at")), "status_label": status(d.get("status", ""))}
            for d in data.get("demands", [])
        ],
    }
