"""A citizen's own data: shown on the mobile page and downloaded as JSON (PIPL's right to access and copy)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from lianxin import audit
from lianxin.core.models import Town

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
    return render(request, "privacy/my_data.html", {"town": town, "data": data})
