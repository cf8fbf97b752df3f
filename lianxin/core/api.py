"""The REST API's shared pieces (pages, error bodies), which every app's API views use.

They sit in core, not in the ``api`` app, so an app serving its own endpoints (disputes, intake, insight)
imports nothing of the ``api`` app, which builds its router from the apps' ``api_routes`` (core/kit.py).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from .paging import CappedPaginator


class _CappedPages(CappedPaginator):
    """The API's pages: counted no further than 10,000 rows (a narrower filter reaches the rest)."""

    def __init__(self, object_list: Any, per_page: int) -> None:
        super().__init__(object_list, per_page, cap=10_000)


class Pages(PageNumberPagination):
    django_paginator_class = _CappedPages
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ErrorOut(serializers.Serializer[Any]):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="invalid input"),
    401: OpenApiResponse(ErrorOut, description="no or bad credentials"),
    403: OpenApiResponse(ErrorOut, description="the role may not do this"),
    404: OpenApiResponse(ErrorOut, description="not found in the caller's scope"),
    409: OpenApiResponse(ErrorOut, description="the demand is not in a state that allows this move"),
    422: OpenApiResponse(ErrorOut, description="Idempotency-Key reused for another request"),
}
READ_ERRORS = {k: ERRORS[k] for k in (401, 403, 404)}
# A reveal of personal data (lianxin/audit/reveal.py): refused, out of scope, or over the account's rate.
REVEAL_ERRORS = {
    **{k: ERRORS[k] for k in (400, 401, 403, 404)},
    429: OpenApiResponse(ErrorOut, description="too many reveals by this account: try again later"),
}


class RevealIn(serializers.Serializer[Any]):
    """Why the full details are needed; written to the audit trail with who, when and from where."""

    reason = serializers.CharField(max_length=200, help_text=_("why the full details are needed"))
