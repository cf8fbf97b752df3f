"""Admin for towns and counties, and the base every town-owned admin uses to stay in scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from lianxin.accounts.scoping import towns_visible_to

from .models import CalendarDay, County, Town


class TownScopedAdmin(admin.ModelAdmin):
    """Lists only rows of the towns the signed-in user may read, and offers only those towns."""

    town_field = "town"

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Out of scope and non-existent look the same: a 404, never a hint that the row exists.
        raise Http404

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.town_field}__in": towns_visible_to(request.user)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        model = db_field.related_model
        if field is not None and not request.user.is_superuser:
            if model is Town:
                field.queryset = towns_visible_to(request.user)
            elif field.queryset is not None and any(f.name == "town" for f in model._meta.fields):
                field.queryset = field.queryset.filter(town__in=towns_visible_to(request.user))
        return field


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name", "code")


@admin.register(Town)
class TownAdmin(TownScopedAdmin):
    town_field = "pk"
    list_display = ("code", "name", "county")
    list_filter = ("county",)
    search_fields = ("name", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk__in=towns_visible_to(request.user))


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
