"""Shapes of the REST API. Personal data leaves masked unless the reader may see it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lianxin.accounts.services import clean_mobile
from lianxin.core import limits
from lianxin.core.ids import MAX_ID
from lianxin.core.masking import mask_name, mask_phone
from lianxin.core.validators import validate_person_name
from lianxin.demands.models import Channel, Demand, DemandEvent, Urgency
from lianxin.demands.permissions import may_see_personal_data
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station

from .open311 import request_status
from .selectors import categories_for


def _user(serializer: serializers.Serializer[Any]) -> Any:
    return serializer.context["request"].user


class AssignmentOut(serializers.Serializer[Any]):
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    matter = serializers.CharField()
    standard = serializers.CharField()
    due_at = serializers.DateTimeField()
    light = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()


class DemandOut(serializers.ModelSerializer[Demand]):
    status_label = serializers.CharField(source="get_status_display")
    open311_status = serializers.SerializerMethodField()
    category_name = serializers.CharField(source="category.name")
    domain = serializers.CharField(source="category.domain")
    cell_code = serializers.CharField(source="cell.code", allow_null=True, default=None)
    cell_name = serializers.CharField(source="cell.name", allow_null=True, default=None)
    deputy_name = serializers.CharField(source="deputy.name", allow_null=True, default=None)
    requester_name = serializers.SerializerMethodField()
    requester_phone = serializers.SerializerMethodField()
    assignment = serializers.SerializerMethodField()
    outcome = serializers.CharField(help_text=_("resolved, explained, or empty before completion"))

    class Meta:
        model = Demand
        fields = [
            "code",
            "status",
            "status_label",
            "open311_status",
            "channel",
            "category",
            "category_name",
            "domain",
            "urgency",
            "title",
            "description",
            "cell_code",
            "cell_name",
            "station",
            "lat",
            "lng",
            "address",
            "requester_name",
            "requester_phone",
            "deputy_name",
            "assignment",
            "outcome",
            "closing_note",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def _unmasked(self, demand: Demand) -> bool:
        return may_see_personal_data(_user(self), demand)

    def get_open311_status(self, demand: Demand) -> str:
        return request_status(demand)

    def get_requester_name(self, demand: Demand) -> str:
        return demand.requester_name if self._unmasked(demand) else mask_name(demand.requester_name)

    def get_requester_phone(self, demand: Demand) -> str:
        return demand.requester_phone if self._unmasked(demand) else mask_phone(demand.requester_phone)

    @extend_schema_field(AssignmentOut(allow_null=True))
    def get_assignment(self, demand: Demand) -> dict[str, Any] | None:
        assignment = getattr(demand, "assignment", None)
        return dict(AssignmentOut(assignment).data) if assignment else None


class DemandIn(serializers.Serializer[Any]):
    category = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("A category id of the town (GET /api/v1/categories/).")
    )
    title = serializers.CharField(max_length=80, required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.GENERAL)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Ignored for a system key (its own channel) and for citizens (mobile)."),
    )
    cell_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    address = serializers.CharField(max_length=120, required=False, allow_blank=True)
    requester_name = serializers.CharField(
        max_length=limits.NAME, required=False, allow_blank=True, validators=[validate_person_name]
    )
    requester_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate_requester_phone(self, value: str) -> str:
        """A mainland mobile number, folded as the citizen page folds it; blank stays blank."""
        return clean_mobile(value) if value.strip() else ""

    def validate_category(self, value: int) -> Any:
        category = categories_for(_user(self)).filter(pk=value).first()
        if category is None:
            raise serializers.ValidationError(_("Unknown category."))
        return category

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        town_id = attrs["category"].town_id
        code = attrs.pop("cell_code", "")
        attrs["cell"] = None
        if code:
            attrs["cell"] = GridCell.objects.filter(town_id=town_id, code=code).first()
            if attrs["cell"] is None:
                raise serializers.ValidationError({"cell_code": _("Unknown grid cell.")})
        if (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lat": _("Give both lat and lng, or neither.")})
        return attrs


class RequesterOut(serializers.Serializer[Any]):
    """A demand's requester in full: the answer to a reveal, recorded in the audit trail."""

    code = serializers.CharField()
    requester_name = serializers.CharField()
    requester_phone = serializers.CharField()
    requester_id_number = serializers.CharField()


class EventOut(serializers.ModelSerializer[DemandEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = DemandEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "note", "at"]

    def get_actor(self, event: DemandEvent) -> str:
        return str(event.actor) if event.actor else ""


# --- reference data -------------------------------------------------------------------------------
class CategoryOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    town = serializers.CharField(source="town.code")
    domain = serializers.CharField()
    name = serializers.CharField()
    keywords = serializers.CharField()
    default_department = serializers.IntegerField(source="default_department_id", allow_null=True)
    emergency_hours = serializers.IntegerField()
    general_days = serializers.IntegerField()
    complex_days = serializers.IntegerField()


class CellOut(serializers.ModelSerializer[GridCell]):
    town = serializers.CharField(source="town.code")

    class Meta:
        model = GridCell
        fields = [
            "id",
            "town",
            "code",
            "name",
            "kind",
            "centroid_lat",
            "centroid_lng",
            "households",
            "boundary",
        ]


class StationOut(serializers.ModelSerializer[Station]):
    town = serializers.CharField(source="town.code")
    cell_code = serializers.CharField(source="cell.code", allow_null=True, default=None)

    class Meta:
        model = Station
        fields = ["id", "town", "name", "kind", "cell_code", "address", "lat", "lng", "opening_hours"]


class DepartmentOut(serializers.ModelSerializer[Department]):
    town = serializers.CharField(source="town.code")

    class Meta:
        model = Department
        fields = ["id", "town", "name", "short_name", "kind", "duties", "contact_phone", "active"]


class DeputyOut(serializers.ModelSerializer[Deputy]):
    town = serializers.CharField(source="town.code")
    phone = serializers.SerializerMethodField()
    cells = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = ["id", "town", "name", "gender", "level", "occupation", "is_entrepreneur", "phone", "cells"]

    def get_phone(self, deputy: Deputy) -> str:
        return mask_phone(deputy.phone)  # masked for every reader (docs/security.md, "Personal data")

    def get_cells(self, deputy: Deputy) -> list[str]:
        return [link.cell.code for link in deputy.cell_links.all()]
