"""Query filters of the demand list (django-filter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from lianxin.core.ids import MAX_ID
from lianxin.demands.models import Channel, Demand, Urgency
from lianxin.demands.states import Status


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO date-time, compared in UTC: PostgreSQL refuses offsets beyond ±15:59 (ISO allows ±23:59)."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:  # year 1 minus an offset: before any demand
                return qs.none() if self.lookup_expr == "lt" else qs
        return super().filter(qs, value)


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number in 1..2**63-1 (NumberFilter takes "1e30", which overflows SQLite)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DemandFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    category = IdFilter(field_name="category_id")
    cell = django_filters.CharFilter(field_name="cell__code")
    town = django_filters.CharFilter(field_name="town__code")
    department = IdFilter(field_name="assignment__department_id")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="title contains")

    class Meta:
        model = Demand
        fields: list[str] = []
