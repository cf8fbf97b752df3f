"""REST API v1: demands and their moves, and the town's reference data. Views parse, call, render.

Reads go through the pages' scopes (``Model.objects.restrict``), so a row outside the caller's scope is
a 404. The moves are generated from the demand's move table: one POST action per move, checking the
caller's right before anything else, then the move's own serializer, then its service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianxin.accounts.roles import Capability
from lianxin.audit.reveal import reveal_in_api
from lianxin.core.api import ERRORS, READ_ERRORS, REVEAL_ERRORS, Pages, RevealIn
from lianxin.core.routers import reads_from_replica
from lianxin.core.workflow import workflow_of
from lianxin.demands import services
from lianxin.demands.models import Channel, Demand
from lianxin.demands.permissions import may_reveal
from lianxin.people.models import DeputyCell
from lianxin.people.selectors import departments_visible_to, deputies_visible_to
from lianxin.territory.selectors import cells_visible_to, stations_visible_to

from . import serializers as s
from .filters import DemandFilter
from .idempotency import idempotent
from .moves import add_move_actions
from .selectors import categories_for, demands_for, events_of, is_system

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A client-chosen key: a retry with the same key returns the first answer.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Demands the caller may see",
        responses={200: s.DemandOut(many=True), 400: ERRORS[400], **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One demand by tracking code", responses={200: s.DemandOut, **READ_ERRORS}
    ),
)
@method_decorator(reads_from_replica, name="list")
class DemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Demand]):
    """Demands (诉求). A system key reads its town's demands; a person reads what the pages show them."""

    serializer_class = s.DemandOut
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # anything up to the slash: a bad code is the API's 404, not a page
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = DemandFilter

    def get_queryset(self) -> QuerySet[Demand]:
        return demands_for(self.request.user)

    @extend_schema(
        summary="Record a demand (problem list)",
        request=s.DemandIn,
        parameters=[IDEMPOTENCY],
        responses={201: s.DemandOut, **ERRORS},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        user: Any = request.user
        key: Any = request.auth
        if not (user.can(Capability.SUBMIT_DEMAND) or user.can(Capability.RECORD_FOR_OTHERS)):
            raise PermissionDenied(_("Your role does not allow this."))
        data = s.DemandIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        category = v.pop("category")
        if is_system(user):
            channel, requester = key.channel, None
        elif not user.can(Capability.RECORD_FOR_OTHERS):
            channel, requester = Channel.MOBILE, user
        else:
            channel, requester = v.get("channel") or Channel.WALK_IN, None
        v.pop("channel", None)
        description = v.pop("description").strip()
        title = v.pop("title", "").strip() or description.splitlines()[0]
        demand = services.demand_record(
            town=category.town,
            recorded_by=user,
            requester=requester,
            channel=channel,
            category=category,
            title=title[:80],
            description=description,
            intake_key=getattr(request, "intake_key", ""),
            **v,
        )
        fresh = self.get_queryset().filter(pk=demand.pk).first() or demand
        return Response(s.DemandOut(fresh, context={"request": request}).data, status=http.HTTP_201_CREATED)

    @extend_schema(
        summary="The requester in full (a reveal: with a reason, audited, rate-limited)",
        request=RevealIn,
        responses={200: s.RequesterOut, **REVEAL_ERRORS},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def reveal(self, request: Request, code: str | None = None) -> Response:
        demand = self.get_object()
        if not may_reveal(request.user, demand):  # the right first, then the input
            raise PermissionDenied(_("Your role does not allow this."))
        shown = reveal_in_api(
            request,
            lambda reason: services.requester_reveal(
                demand=demand, actor=request.user, reason=reason, request=request
            ),
        )
        return Response({"code": demand.code, **{f"requester_{k}": v for k, v in shown.items()}})

    @extend_schema(summary="The demand's history", responses={200: s.EventOut(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request: Request, code: str | None = None) -> Response:
        return Response(s.EventOut(events_of(self.get_object()), many=True).data)


# one action per move of the table
add_move_actions(
    DemandViewSet,
    workflow_of(Demand),
    out=s.DemandOut,
    operation="demands",
    schema=ERRORS,
    parameters=[IDEMPOTENCY],
)


def _read_only(name: str, out: Any) -> Any:
    return extend_schema_view(
        list=extend_schema(
            summary=f"{name} the caller may see", responses={200: out(many=True), **READ_ERRORS}
        ),
        retrieve=extend_schema(summary=f"One of the {name.lower()}", responses={200: out, **READ_ERRORS}),
    )


@method_decorator(reads_from_replica, name="list")
class ReferenceViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    """Read-only reference data of the caller's towns, paged; each subclass names its scope."""

    lookup_value_regex = "[^/]+"
    pagination_class = Pages


@_read_only("Categories", s.CategoryOut)
class CategoryViewSet(ReferenceViewSet):
    serializer_class = s.CategoryOut

    def get_queryset(self) -> QuerySet[Any]:
        return categories_for(self.request.user).order_by("town", "domain", "name")


@_read_only("Grid cells", s.CellOut)
class CellViewSet(ReferenceViewSet):
    serializer_class = s.CellOut

    def get_queryset(self) -> QuerySet[Any]:
        return cells_visible_to(self.request.user).order_by("town", "code")


@_read_only("Stations", s.StationOut)
class StationViewSet(ReferenceViewSet):
    serializer_class = s.StationOut

    def get_queryset(self) -> QuerySet[Any]:
        return stations_visible_to(self.request.user).order_by("town", "kind", "name")


@_read_only("Departments", s.DepartmentOut)
class DepartmentViewSet(ReferenceViewSet):
    serializer_class = s.DepartmentOut

    def get_queryset(self) -> QuerySet[Any]:
        return departments_visible_to(self.request.user).order_by("town", "name")


@_read_only("Deputies", s.DeputyOut)
class DeputyViewSet(ReferenceViewSet):
    serializer_class = s.DeputyOut

    def get_queryset(self) -> QuerySet[Any]:
        links = Prefetch("cell_links", queryset=DeputyCell.objects.select_related("cell"))
        return (
            deputies_visible_to(self.request.user).prefetch_related(links).order_by("town", "level", "name")
        )
