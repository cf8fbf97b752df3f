"""Errors of the services, in HTTP terms: a state conflict is 409, a bad input 400, a refusal 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler

from lianxin.demands.services import TransitionError


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionError):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            data: Any = {
                ("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()
            }
        else:
            data = {"non_field_errors": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):  # get_object_or_404 says "No Demand matches the given query." in English
        exc = NotFound(_("Not found."))
    return exception_handler(exc, context)


def bad_input_response(request: HttpRequest, message: str) -> JsonResponse:
    """The REST API's 400 for input refused before any view ran (``core.middleware``)."""
    return JsonResponse({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
