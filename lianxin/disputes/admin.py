from django.contrib import admin

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin

from .models import Dispute, DisputeEvent, Hearing, RiskRule


class EventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(CaseFileAdmin, TownScopedAdmin):
    """Read-only: disputes move only through their pages, so every change has its event row. Parties (the
    personal data) are not shown here at all."""

    list_display = ("code", "summary", "kind", "status", "risk", "petition_risk", "created_at")
    list_filter = ("status", "kind", "risk", "petition_risk", "town")
    search_fields = ("code", "summary")
    exclude = ("risk_reasons",)
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hearing)
class HearingAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("title", "basis", "status", "proposed_at", "held_at")
    list_filter = ("status", "basis", "town")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskRule)
class RiskRuleAdmin(TownScopedAdmin):
    list_display = ("town", "major_at", "critical_at", "hearing_demands_at", "updated_at")
