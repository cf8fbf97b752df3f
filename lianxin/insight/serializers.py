"""The API's shape of a warning, and the input of each decision (the move table names them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lianxin.core import limits

from .models import EarlyWarning


class WarningOut(serializers.ModelSerializer[EarlyWarning]):
    cell = serializers.CharField(source="cell.name", default=None, read_only=True)
    cell_code = serializers.CharField(source="cell.code", default=None, read_only=True)
    category = serializers.CharField(source="category.name", default=None, read_only=True)
    evidence_ids = serializers.SerializerMethodField()
    evidence_codes = serializers.SerializerMethodField()

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "cell",
            "cell_code",
            "category",
            "first_detected_at",
            "last_detected_at",
            "window_start",
            "window_end",
            "observed",
            "expected",
            "p_value",
            "evidence",
            "evidence_ids",
            "evidence_codes",
            "tracked_item",
            "topic_month",
        ]

    def get_evidence_ids(self, obj: EarlyWarning) -> list[int]:
        return list(obj.demand_ids)

    def get_evidence_codes(self, obj: EarlyWarning) -> list[str]:
        codes: dict[int, str] = self.context.get("codes", {})
        return [codes[i] for i in obj.demand_ids if i in codes]


class DismissIn(serializers.Serializer[Any]):
    reason = serializers.CharField(label=_("reason"), max_length=500)


class TopicIn(serializers.Serializer[Any]):
    month = serializers.DateField(label=_("month"))


class ProactiveIn(serializers.Serializer[Any]):
    title = serializers.CharField(label=_("what is to be done"), max_length=200)
    plan = serializers.CharField(label=_("plan"), max_length=limits.TEXT)
    department = serializers.IntegerField(label=_("responsible department"))
    due_at = serializers.DateTimeField(label=_("deadline"))
