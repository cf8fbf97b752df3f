"""Read-only admin lists of the duty record and the rota: every write goes through the services (pages)."""

from typing import Any

from django.contrib import admin

from lianxin.core.admin import TownScopedAdmin

from .models import DutyEntry, Shift


class ReadOnly(TownScopedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(DutyEntry)
class DutyEntryAdmin(ReadOnly):
    list_display = ("deputy", "kind", "at", "summary", "town")
    list_filter = ("kind", "town")
    search_fields = ("deputy__name", "summary")


@admin.register(Shift)
class ShiftAdmin(ReadOnly):
    list_display = ("deputy", "station", "starts_at", "ends_at", "status", "checked_in_at")
    list_filter = ("status", "town")
    search_fields = ("deputy__name", "station__name")
