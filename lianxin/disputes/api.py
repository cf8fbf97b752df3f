"""/api/v1/disputes/ and /api/v1/mediation-sessions/: read-only, through the same scopes as the pages;
parties masked unless the reader may see personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from lianxin.core.api import READ_ERRORS, Pages

from . import serializers as s
from .models import Dispute, Session
from .selectors import disputes_for


@extend_schema_view(
    list=extend_schema(
        summary="Disputes the caller may see", responses={200: s.DisputeOut(many=True), **READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One dispute by ledger number", responses={200: s.DisputeOut, **READ_ERRORS}
    ),
)
class DisputeViewSet(viewsets.ReadOnlyModelViewSet[Dispute]):
    """Disputes (矛盾纠纷) of the dispute ledger."""

    serializer_class = s.DisputeOut
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Dispute]:
        return disputes_for(self.request.user).prefetch_related("parties").order_by("-created_at", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Mediation sessions the caller may see",
        responses={200: s.SessionOut(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(summary="One mediation session", responses={200: s.SessionOut, **READ_ERRORS}),
)
class SessionViewSet(viewsets.ReadOnlyModelViewSet[Session]):
    """Mediation sessions, with the deputy on the supervision seat."""

    serializer_class = s.SessionOut
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Any]:
        return (
            Session.objects.restrict(self.request.user)
            .select_related("dispute", "supervisor")
            .order_by("-held_at", "pk")
        )
