from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin

from .models import IntakeDecision, IntakeModel, PlaceAlias


@admin.register(PlaceAlias)
class PlaceAliasAdmin(TownScopedAdmin):
    """The presidium keeps the gazetteer's other names of places here (landmarks, old names)."""

    list_display = ("alias", "cell", "town")
    list_filter = ("town",)
    search_fields = ("alias",)


class ReadOnly(TownScopedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IntakeModel)
class IntakeModelAdmin(ReadOnly):
    """Trained by ``lianxin manage intake_train``; shown here with its figures."""

    list_display = ("version", "town", "trained_at", "shipped_examples", "town_examples", "active")
    list_filter = ("town", "active")
    exclude = ("pipeline",)


@admin.register(IntakeDecision)
class IntakeDecisionAdmin(CaseFileAdmin, ReadOnly):
    """What was suggested and what people chose: the demand's text makes it a case file."""

    list_display = (
        "demand",
        "method",
        "suggested_category",
        "category",
        "suggested_department",
        "department",
    )
    list_filter = ("method", "town")
