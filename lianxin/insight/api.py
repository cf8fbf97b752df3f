"""GET /api/v1/warnings/: the early warnings the caller may read (session or API key)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from lianxin.core.api import ERRORS, READ_ERRORS, Pages
from lianxin.demands.models import Demand

from .models import EarlyWarning, WarningKind, WarningStatus
from .serializers import WarningOut


@extend_schema_view(
    list=extend_schema(
        summary="Early warnings the caller may see",
        parameters=[
            OpenApiParameter(
                "status", enum=WarningStatus.values, description="open, dismissed, proactive, topic"
            ),
            OpenApiParameter("kind", enum=WarningKind.values),
        ],
        responses={200: WarningOut(many=True), 400: ERRORS[400], **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One early warning", responses={200: WarningOut, **READ_ERRORS}),
)
@extend_schema(tags=["warnings"])
class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[EarlyWarning]):
    """Early warnings (未诉先办): cell, category, kind, first detected, and the ids of the evidence demands."""

    serializer_class = WarningOut
    pagination_class = Pages
    lookup_value_regex = "[^/]+"  # anything up to the slash: a bad id is the API's JSON 404, not a page

    def get_queryset(self) -> QuerySet[EarlyWarning]:
        qs = EarlyWarning.objects.restrict(self.request.user).select_related("cell", "category")
        params = self.request.query_params
        if (status := params.get("status")) in WarningStatus.values:
            qs = qs.filter(status=status)
        if (kind := params.get("kind")) in WarningKind.values:
            qs = qs.filter(kind=kind)
        return qs.order_by("-first_detected_at", "-pk")

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page or [])
        ids = {i for w in rows for i in w.demand_ids}
        codes = dict(Demand.objects.restrict(request.user).filter(pk__in=ids).values_list("pk", "code"))
        data = WarningOut(rows, many=True, context={"request": request, "codes": codes}).data
        return self.get_paginated_response(data)
