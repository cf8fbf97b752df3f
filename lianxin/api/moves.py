"""The API's side of a move table: one ``POST …/{lookup}/<action>/`` per move, generated on a viewset.

Each action asks the caller's right before it reads the body (403), then parses the move's serializer and
refuses a blank reason of a move that requires one (400), then calls the move's service, whose state
check is a 409 (``api.exceptions.handler``). The answer is the subject as ``out`` shows it, read again.
"""

from __future__ import annotations

import keyword
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianxin.core.workflow import Move, Workflow

from .idempotency import idempotent


def attr_of(move: Move) -> str:
    """The viewset attribute of a move's action (``return`` is a keyword of Python)."""
    return f"{move.action}_" if keyword.iskeyword(move.action) else move.action


def move_action(
    flow: Workflow, move: Move, *, out: Any, operation: str, schema: dict[int, Any], parameters: list[Any]
) -> Any:
    """``POST …/{lookup}/<action>/`` for one move: right first (403), then input (400), then the move."""

    @idempotent
    def view(self: Any, request: Request, **lookup: Any) -> Response:
        obj = self.get_object()
        if not request.user.has_perm(flow.permission(move.action), obj):
            raise PermissionDenied(_("Your role does not allow this."))
        data = move.serializer(data=request.data, context={"request": request, flow.subject: obj})
        data.is_valid(raise_exception=True)
        move.refuse_blank_reason(data.validated_data.get("reason"))
        move.service(**{flow.subject: obj}, actor=request.user, **data.validated_data)
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(out(fresh, context={"request": request}).data)

    view.__name__ = attr_of(move)
    decorated = action(detail=True, methods=["post"], url_path=move.action, url_name=move.action)(view)
    return extend_schema(
        operation_id=f"{operation}_{move.action}",
        summary=move.label,
        request=move.serializer,
        parameters=parameters,
        responses={200: out, **schema},
    )(decorated)


def add_move_actions(
    viewset: type[Any],
    flow: Workflow,
    *,
    out: Any,
    operation: str,
    schema: dict[int, Any] | None = None,
    parameters: list[Any] | None = None,
    skip: frozenset[str] | set[str] = frozenset(),
) -> None:
    """Give ``viewset`` one action per move of ``flow`` (but ``skip``), each answering with ``out``;
    ``schema`` and ``parameters`` are the OpenAPI's error answers and headers."""
    for move in flow.moves.values():
        if move.action not in skip:
            made = move_action(
                flow, move, out=out, operation=operation, schema=schema or {}, parameters=parameters or []
            )
            setattr(viewset, attr_of(move), made)
