from django.contrib import admin

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin

from .models import TrackedItem, TrackedItemEvent


class EventInline(admin.TabularInline):
    model = TrackedItemEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrackedItem)
class TrackedItemAdmin(CaseFileAdmin, TownScopedAdmin):
    """Read-only: items move only through their pages, so every change has its event row."""

    list_display = ("title", "origin", "department", "status", "light", "due_at")
    list_filter = ("status", "light", "origin", "town")
    search_fields = ("title",)
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
