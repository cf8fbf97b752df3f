"""Read-mostly admin for supervision rows: statuses move only through the services (the pages)."""

from django.contrib import admin

from lianxin.core.admin import TownScopedAdmin

from .models import Enterprise, InquirySession, Project, Suggestion, SupervisionPlan, Theme, VoteSession


@admin.register(VoteSession)
class VoteSessionAdmin(TownScopedAdmin):
    list_display = ("title", "year", "rule", "electorate", "status")
    readonly_fields = ("status", "electorate", "opened_by", "opened_at", "counted_at", "rule")


@admin.register(Project)
class ProjectAdmin(TownScopedAdmin):
    list_display = ("title", "year", "status", "department", "progress")
    list_filter = ("year", "status")
    search_fields = ("title",)
    readonly_fields = (
        "status",
        "session",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "year",
        "carried_from",
    )
    raw_id_fields = ("demand",)
    filter_horizontal = ("supervisors",)


@admin.register(Suggestion)
class SuggestionAdmin(TownScopedAdmin):
    list_display = ("title", "to_level", "deputy", "status")
    list_filter = ("status", "to_level")
    readonly_fields = ("status", "submitted_at", "replied_at", "verdict")


@admin.register(InquirySession)
class InquirySessionAdmin(TownScopedAdmin):
    list_display = ("title", "kind", "planned_on", "status")
    list_filter = ("kind", "status")
    readonly_fields = ("status", "held_on")


@admin.register(Theme)
class ThemeAdmin(TownScopedAdmin):
    list_display = ("title", "topic", "starts_on", "ends_on", "status")
    readonly_fields = ("status",)


@admin.register(Enterprise)
class EnterpriseAdmin(TownScopedAdmin):
    list_display = ("name", "sector", "cell")
    search_fields = ("name",)
    personal_fields = ("contact_name", "contact_phone")


@admin.register(SupervisionPlan)
class SupervisionPlanAdmin(TownScopedAdmin):
    list_display = ("title", "year", "status", "adopted_on")
    readonly_fields = ("status", "adopted_on")
