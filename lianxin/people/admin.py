from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lianxin.core.admin import TownScopedAdmin, TownScopedInline

from .models import Agent, Department, DepartmentStaff, Deputy, DeputyCell, Observer, StationDuty


@admin.register(Department)
class DepartmentAdmin(TownScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "town", "active")
    list_filter = ("kind", "active", "town")
    search_fields = ("name", "short_name", "duties")


class DeputyCellInline(TownScopedInline):
    model = DeputyCell
    extra = 0
    autocomplete_fields = ("cell",)


class StationDutyInline(TownScopedInline):
    model = StationDuty
    extra = 0
    autocomplete_fields = ("station",)


@admin.register(Deputy)
class DeputyAdmin(TownScopedAdmin, SimpleHistoryAdmin):
    personal_fields = ("phone",)
    list_display = ("name", "level", "gender", "occupation", "town")
    list_filter = ("level", "gender", "is_entrepreneur", "town")
    search_fields = ("name", "occupation")
    inlines = [DeputyCellInline, StationDutyInline]
    raw_id_fields = ("user",)


@admin.register(Observer)
class ObserverAdmin(TownScopedAdmin, admin.ModelAdmin):
    personal_fields = ("phone",)
    list_display = ("name", "kind", "cell", "deputy", "town")
    list_filter = ("kind", "town")
    search_fields = ("name",)
    autocomplete_fields = ("deputy", "cell")
    raw_id_fields = ("user",)


@admin.register(Agent)
class AgentAdmin(TownScopedAdmin, admin.ModelAdmin):
    personal_fields = ("phone",)
    list_display = ("name", "station", "town")
    list_filter = ("town",)
    search_fields = ("name",)
    raw_id_fields = ("user",)


@admin.register(DepartmentStaff)
class DepartmentStaffAdmin(TownScopedAdmin, admin.ModelAdmin):
    list_display = ("user", "department", "town")
    raw_id_fields = ("user",)
