"""Query filters of the demand list (django-filter)."""

from __future__ import annotations

import django_filters

from lianxin.demands.models import Channel, Demand, Urgency
from lianxin.demands.workflow import Status


class DemandFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    category = django_filters.NumberFilter(field_name="category_id")
    cell = django_filters.CharFilter(field_name="cell__code")
    town = django_filters.CharFilter(field_name="town__code")
    department = django_filters.NumberFilter(field_name="assignment__department_id")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="title contains")

    class Meta:
        model = Demand
        fields: list[str] = []
