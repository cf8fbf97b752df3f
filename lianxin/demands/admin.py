from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin

from .models import Assignment, Category, Demand, DemandEvent, Extension


@admin.register(Category)
class CategoryAdmin(TownScopedAdmin, SimpleHistoryAdmin):
    """The presidium edits categories and their time limits here."""

    list_display = (
        "name",
        "domain",
        "default_department",
        "emergency_hours",
        "general_days",
        "complex_days",
        "active",
    )
    list_filter = ("domain", "active", "town")
    search_fields = ("name", "keywords")


class EventInline(admin.TabularInline):
    model = DemandEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(CaseFileAdmin, TownScopedAdmin):
    """Read-only: demands move only through the workbench, so every change has its event row."""

    list_display = ("code", "title", "status", "channel", "category", "cell", "created_at")
    list_filter = ("status", "channel", "urgency", "town")
    search_fields = ("code", "title")
    exclude = ("requester_name", "requester_phone", "requester_id_number", "requester_phone_hash")
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Assignment)
class AssignmentAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("demand", "department", "due_at", "light", "returns")
    list_filter = ("light", "town")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Extension)
class ExtensionAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("assignment", "requested_due_at", "status", "decided_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False
