"""Filters of the three lists. Choices come from the user's towns only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from lianxin.core.lights import Light

from . import selectors
from .models import Channel, Demand
from .states import Status


def _cells(request: Any) -> Any:
    return selectors.cells_for(request.user) if request else selectors.cells_for(None)


def _categories(request: Any) -> Any:
    return selectors.categories_for(request.user if request else None)


def _departments(request: Any) -> Any:
    return selectors.departments_for(request.user if request else None)


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Text in summary"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    cell = django_filters.ModelChoiceFilter(queryset=_cells, label=_("Grid cell"))
    category = django_filters.ModelChoiceFilter(queryset=_categories, label=_("Category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    department = django_filters.ModelChoiceFilter(
        field_name="assignment__department", queryset=_departments, label=_("Department")
    )
    light = django_filters.ChoiceFilter(
        field_name="assignment__light", choices=Light.choices, label=_("Supervision light")
    )
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Recorded between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Demand
        fields: list[str] = []

    def __init__(self, *args: Any, statuses: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:
            allowed = set(statuses)
            self.filters["status"].extra["choices"] = [c for c in Status.choices if c[0] in allowed]
