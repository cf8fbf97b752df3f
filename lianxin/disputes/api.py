"""/api/v1/disputes/ and /api/v1/mediation-sessions/: read-only, through the same scopes as the pages;
parties masked for every reader; ``POST /api/v1/disputes/<code>/reveal/`` with a reason answers them in full
to the presidium and the dispute's mediator (audited, rate-limited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianxin.audit.reveal import reveal_in_api
from lianxin.core.api import READ_ERRORS, REVEAL_ERRORS, Pages, RevealIn

from . import serializers as s
from . import services
from .models import Dispute, Session
from .permissions import may_reveal
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

    @extend_schema(
        summary="The parties in full (a reveal: with a reason, audited, rate-limited)",
        request=RevealIn,
        responses={200: s.PartyOut(many=True), **REVEAL_ERRORS},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def reveal(self, request: Request, code: str | None = None) -> Response:
        dispute = self.get_object()
        if not may_reveal(request.user, dispute):  # the right first, then the input
            raise PermissionDenied(_("Your role does not allow this."))
        reveal_in_api(
            request,
            lambda reason: services.parties_reveal(
                dispute=dispute, actor=request.user, reason=reason, request=request
            ),
        )
        context = {"request": request, "revealed": True}
        return Response(s.PartyOut(dispute.parties.all(), many=True, context=context).data)


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
