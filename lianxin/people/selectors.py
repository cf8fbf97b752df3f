"""Reads of the town's people, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .models import Department, Deputy, DeputyLevel, Observer


def deputies_visible_to(user: Any) -> QuerySet[Deputy]:
    return Deputy.objects.restrict(user).select_related("town")


def observers_visible_to(user: Any) -> QuerySet[Observer]:
    return Observer.objects.restrict(user).select_related("town", "deputy", "cell")


def departments_visible_to(user: Any) -> QuerySet[Department]:
    return Department.objects.restrict(user).select_related("town")


def deputy_list(*, user: Any, level: str | None = None, on_duty: bool | None = None) -> QuerySet[Deputy]:
    qs = (
        deputies_visible_to(user)
        .annotate(
            cell_count=Count("cell_links", distinct=True),
            duty_count=Count("duties", distinct=True),
            observer_count=Count("observers", distinct=True),
        )
        .order_by("town", "level", "name")
    )  # GROUP BY drops Meta.ordering; paging needs a stable order
    if level:
        qs = qs.filter(level=level)
    if on_duty is not None:
        qs = qs.filter(duty_count__gt=0) if on_duty else qs.filter(duty_count=0)
    return qs


def deputies_by_level(*, user: Any) -> list[tuple[str, str, int]]:
    """(level, label, count) for each of the four levels, zero included, highest level first."""
    counts = dict(
        deputies_visible_to(user).values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return [(level.value, str(level.label), counts.get(level.value, 0)) for level in DeputyLevel]


def observer_list(*, user: Any, kind: str | None = None) -> QuerySet[Observer]:
    qs = observers_visible_to(user)
    return qs.filter(kind=kind) if kind else qs
