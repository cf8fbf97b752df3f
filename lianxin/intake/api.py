"""POST /api/v1/intake/suggest (one text) and /api/v1/intake/suggest/batch (a list of them).

Same key and scopes as the rest of the API: the caller's town, and duplicates only among the demands the
caller may read. Each suggestion is ``{"id", "name", "confidence"}`` plus the words that decided it; a lead department the
model is unsure of says ``"uncertain": true`` and lists its ``candidates``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.api import ErrorOut

from .permissions import may_suggest
from .selectors import Choice, Suggestion, suggest_many

MAX_TEXT = 2000
MAX_BATCH = 50


class SuggestIn(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, min_value=-180, max_value=180)
    cell = serializers.IntegerField(required=False, min_value=1, help_text="a grid cell's id, if known")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("lat" in attrs) != ("long" in attrs):
            raise serializers.ValidationError(_("Give both latitude and longitude, or neither."))
        return attrs


class CandidateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    confidence = serializers.FloatField()


class ChoiceOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    confidence = serializers.FloatField(help_text="a calibrated probability when the method is model")
    words = serializers.ListField(child=serializers.CharField(), help_text="the words that decided it")
    uncertain = serializers.BooleanField(
        help_text="the model's lead department below its threshold: choose among the candidates"
    )
    candidates = CandidateOut(many=True, help_text="when uncertain: the most likely departments, best first")


class DuplicateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="the demand's tracking code")
    confidence = serializers.FloatField()
    title = serializers.CharField()
    status = serializers.CharField()


class SuggestionOut(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=["model", "rules"], help_text="rules: the town has no model yet")
    model_version = serializers.IntegerField(allow_null=True)
    category = ChoiceOut(allow_null=True)
    department = ChoiceOut(allow_null=True)
    cell = ChoiceOut(allow_null=True)
    duplicates = DuplicateOut(many=True)


def _choice(c: Choice | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "id": c.id,
        "name": c.name,
        "confidence": c.confidence,
        "words": list(c.words),
        "uncertain": c.uncertain,
        "candidates": [{"id": o.id, "name": o.name, "confidence": o.confidence} for o in c.candidates],
    }


def out(s: Suggestion) -> dict[str, Any]:
    return {
        "method": s.method,
        "model_version": s.model_version,
        "category": _choice(s.category),
        "department": _choice(s.department),
        "cell": _choice(s.cell),
        "duplicates": [
            {
                "id": d.demand.pk,
                "name": d.demand.code,
                "confidence": d.confidence,
                "title": d.demand.title,
                "status": d.demand.status,
            }
            for d in s.duplicates
        ],
    }


def _items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"text": r["text"], "lat": r.get("lat"), "lng": r.get("long"), "cell": r.get("cell")} for r in rows
    ]


def _check(request: Request) -> Any:
    user = request.user
    if not may_suggest(user):
        raise PermissionDenied(_("Your role does not allow this."))
    return user


ERRORS = {
    400: OpenApiResponse(description="bad input"),
    401: OpenApiResponse(ErrorOut, description="no or wrong key"),
    403: OpenApiResponse(ErrorOut, description="the role may not ask for suggestions"),
}


class SuggestView(APIView):
    parser_classes = [JSONParser]  # texts come as JSON; a form body would only hide the list of the batch

    @extend_schema(
        operation_id="intake_suggest",
        tags=["intake"],
        summary="Suggest category, department and grid cell for a text, and list similar open demands",
        request=SuggestIn,
        responses={200: SuggestionOut, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _check(request)
        data = SuggestIn(data=request.data)
        data.is_valid(raise_exception=True)
        [s] = suggest_many(principal=user, town_id=user.town_id, items=_items([data.validated_data]))
        return Response(out(s))


class SuggestBatchView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="intake_suggest_batch",
        tags=["intake"],
        summary="The same for a list of texts (at most 50), answered in order",
        request=SuggestIn(many=True),
        responses={200: SuggestionOut(many=True), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _check(request)
        if not isinstance(request.data, list):
            return Response({"detail": _("Send a list of texts.")}, status=400)
        if not 1 <= len(request.data) <= MAX_BATCH:
            return Response({"detail": _("Send from 1 to %(n)d texts.") % {"n": MAX_BATCH}}, status=400)
        data = SuggestIn(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        rows = suggest_many(principal=user, town_id=user.town_id, items=_items(list(data.validated_data)))
        return Response([out(s) for s in rows])
