"""The API's input for each move of a demand (the move table in ``workflow.py`` names them).

Field names are the services' keyword arguments, so the API calls ``move.service(**validated_data)``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lianxin.core.ids import MAX_ID
from lianxin.people.models import Department

from .models import Demand, Outcome, Verdict


class NoInput(serializers.Serializer[Any]):
    pass


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class NoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AssignIn(serializers.Serializer[Any]):
    department = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    matter = serializers.CharField(max_length=2000)
    standard = serializers.CharField(max_length=2000)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    co_departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        demand = self.context["demand"]
        ids = [attrs["department"], *attrs["co_departments"]]
        found = {d.pk: d for d in Department.objects.filter(town_id=demand.town_id, pk__in=ids)}
        if attrs["department"] not in found:
            raise serializers.ValidationError({"department": _("Unknown department.")})
        if any(i not in found for i in attrs["co_departments"]):
            raise serializers.ValidationError({"co_departments": _("Unknown department.")})
        attrs["department"] = found[attrs["department"]]
        attrs["co_departments"] = [found[i] for i in attrs["co_departments"]]
        return attrs


class CompleteIn(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=4000)
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class EvaluateIn(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CheckIn(serializers.Serializer[Any]):
    passed = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MergeIn(serializers.Serializer[Any]):
    into = serializers.CharField(max_length=20, help_text=_("The tracking code of the demand to merge into."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_into(self, value: str) -> Demand:
        target = Demand.objects.restrict(self.context["request"].user).filter(code=value.strip()).first()
        if target is None:
            raise serializers.ValidationError(_("Unknown demand."))
        return target


class TransferIn(serializers.Serializer[Any]):
    to_level = serializers.ChoiceField(
        choices=[("county", "county"), ("city", "city"), ("province", "province")]
    )
    note = serializers.CharField(max_length=2000)


class ExtensionIn(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000)


class DecideExtensionIn(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- the office's desk (issue 10) ---------------------------------------------------------------------
class InternalNoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)


class ProgressIn(serializers.Serializer[Any]):
    reply = serializers.CharField(max_length=2000)


def _town_row(model: Any, demand: Demand, pk: int, field: str) -> Any:
    row = model.objects.filter(town_id=demand.town_id, pk=pk).first()
    if row is None:
        raise serializers.ValidationError({field: _("Unknown in this town.")})
    return row


class RelocateIn(serializers.Serializer[Any]):
    cell = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from lianxin.territory.models import GridCell

        attrs["cell"] = _town_row(GridCell, self.context["demand"], attrs["cell"], "cell")
        return attrs


class AppointIn(serializers.Serializer[Any]):
    deputy = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from lianxin.people.models import Deputy

        attrs["deputy"] = _town_row(Deputy, self.context["demand"], attrs["deputy"], "deputy")
        return attrs


class ReassignIn(serializers.Serializer[Any]):
    department = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=2000)
    due_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["department"] = _town_row(Department, self.context["demand"], attrs["department"], "department")
        return attrs


class ExtendIn(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000)
