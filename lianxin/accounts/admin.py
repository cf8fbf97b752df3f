from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from lianxin.core.admin import AuditAdmin

from . import grants
from .models import AccountChange, User
from .roles import Capability
from .scoping import towns_visible_to


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts (三员分立): what each administrator may change is in ``grants``; every change is recorded."""

    list_display = ("username", "display_name", "role", "town", "is_active")
    list_filter = ("role", "town", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role and town"), {"fields": ("role", "town", "county", "display_name", "phone", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and town"), {"fields": ("role", "town", "county", "display_name")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        user: Any = request.user
        platform = user.can(Capability.MANAGE_ACCOUNTS) or user.can(Capability.GRANT_ROLES)
        town_less = Q(town__isnull=True) if platform else Q(pk__in=[])
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        locked = grants.locked_fields(request.user, obj)
        return [*super().get_readonly_fields(request, obj), *sorted(locked)]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = grants.grantable_roles(request.user, list(db_field.choices))
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = grants.snapshot(User.objects.get(pk=obj.pk)) if change else {}
        after = {**before, **grants.snapshot_of_form(obj, form)}
        if problems := grants.grant_problems(actor=request.user, before=before, after=after, target=obj):
            raise PermissionDenied(" ".join(problems))  # the form offers none of this: a forged request
        request._account_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_account_before", {})
        grants.account_changes_record(
            actor=request.user, user=form.instance, before=before, after=grants.snapshot(form.instance)
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = self.get_object(request, id)
        if target is not None and not grants.may_set_password(request.user, target):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and target is not None:
            grants.password_set_record(actor=request.user, user=target)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group is a bundle of permissions: writing one is a grant, the security administrator's."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return grants.may_grant(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return grants.may_grant(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return grants.may_grant(request.user) and super().has_delete_permission(request, obj)


@admin.register(AccountChange)
class AccountChangeAdmin(AuditAdmin):
    list_display = ("at", "actor_name", "username", "field", "before", "after")
    list_filter = ("field",)
    search_fields = ("username", "actor_name")
    date_hierarchy = "at"
