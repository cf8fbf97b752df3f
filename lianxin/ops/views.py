"""/healthz (liveness), /readyz (readiness) and /metrics (Prometheus). docs/operations.md, "Health and
monitoring", says who sees what."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from .access import may_monitor
from .metrics import exposition
from .report import readiness


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. Touches neither the database nor the cache: a restart is no cure for those."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Every check's status for anyone (a load balancer); ages, counts and messages only for the monitor."""
    report = readiness()
    return JsonResponse(report.as_json(details=may_monitor(request)), status=200 if report.ready else 503)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """For the monitor only; anyone else gets the site's 404, as for an address that does not exist."""
    if not may_monitor(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
