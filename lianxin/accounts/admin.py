from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import Capability
from .scoping import towns_visible_to


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "town", "is_active")
    list_filter = ("role", "town", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role and town"), {"fields": ("role", "town", "county", "display_name", "phone")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        town_less = Q(town__isnull=True) if request.user.can(Capability.MANAGE_ACCOUNTS) else Q(pk__in=[])  # type: ignore[union-attr]
        return qs.filter(Q(town__in=towns_visible_to(request.user)) | town_less)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """An administrator manages accounts without reading people's phones or e-mail (三员分立)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.can(Capability.VIEW_PERSONAL_DATA):  # type: ignore[union-attr]
            return fieldsets
        hidden = {"phone", "email"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]
