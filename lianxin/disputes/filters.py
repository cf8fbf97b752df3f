"""Filters of the dispute ledger and of the two ledgers side by side. Choices come from the user's towns."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.demands.selectors import cells_for

from .models import Dispute, Kind, Risk, Source, Status
from .selectors import today_bounds as _today


def _cells(request: Any) -> Any:
    return cells_for(request.user if request else None)


class DisputeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="summary", lookup_expr="icontains", label=_("Text in summary"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Type"))
    risk = django_filters.ChoiceFilter(choices=Risk.choices, label=_("Risk level"))
    petition_risk = django_filters.BooleanFilter(label=_("Petition risk"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    cell = django_filters.ModelChoiceFilter(queryset=_cells, label=_("Grid cell"))
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Registered between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    mine = django_filters.BooleanFilter(method="mediated_by_me", label=_("Mediated by me"))
    today = django_filters.BooleanFilter(method="session_today", label=_("Mediation session today"))

    class Meta:
        model = Dispute
        fields: list[str] = []

    def mediated_by_me(self, queryset: Any, name: str, value: bool | None) -> Any:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(mediator=user) if value else queryset.exclude(mediator=user)

    def session_today(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        start, end = _today()
        held = Q(sessions__held_at__gte=start, sessions__held_at__lt=end)
        return queryset.filter(pk__in=queryset.model.objects.filter(held).values("pk")) if value else queryset


class BothLedgersFilter(django_filters.FilterSet):
    """What both ledgers share: the cell and the time of registration (applied to each ledger)."""

    cell = django_filters.ModelChoiceFilter(queryset=_cells, label=_("Grid cell"))
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at",
        label=_("Registered between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Dispute
        fields: list[str] = []
