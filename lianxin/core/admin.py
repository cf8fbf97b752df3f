"""Admin for towns and counties, and the base every town-owned admin uses to stay in scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from .access import Capability, towns_visible_to
from .masking import mask_name, mask_phone
from .models import CalendarDay, County, Town, TownOwned


def _scope_foreign_key(field: Any, db_field: Any, request: HttpRequest) -> Any:
    """Offer only rows of the user's towns in a foreign-key select (admin forms and inlines alike)."""
    model = db_field.related_model
    if field is not None and not request.user.is_superuser:
        if model is Town:
            field.queryset = towns_visible_to(request.user)
        elif field.queryset is not None and issubclass(model, TownOwned):
            field.queryset = field.queryset.restrict(request.user)
        elif field.queryset is not None and any(f.name == "town" for f in model._meta.fields):
            field.queryset = field.queryset.filter(town__in=towns_visible_to(request.user))
    return field


def _without_personal_data(request: HttpRequest, fields: Any) -> bool:
    return bool(fields) and not request.user.can(Capability.VIEW_PERSONAL_DATA)  # type: ignore[union-attr]


def _write_only(form_class: Any, fields: tuple[str, ...]) -> Any:
    """The admin's form with ``fields`` write-only on an existing row: the input starts empty (the stored
    value is never sent to the browser, where it would be shown in full without a reveal), its help says
    what is stored, masked; left empty, the stored value is kept; typed in, it replaces it."""

    class WriteOnly(form_class):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.instance.pk is None:
                return
            for name in fields:
                field = self.fields.get(name)
                if field is None:
                    continue
                self.initial[name] = ""
                field.required = False
                stored = getattr(self.instance, name, "") or ""
                shown = mask_phone(stored) if "phone" in name else mask_name(stored)
                field.help_text = _(
                    "Stored: %(masked)s. Leave empty to keep it; type a new value to replace it."
                ) % {"masked": shown or "—"}

        def clean(self) -> Any:
            data = super().clean()
            if self.instance.pk is not None:
                for name in fields:
                    if name in self.fields and not (data or {}).get(name):
                        data[name] = getattr(self.instance, name)
            return data

    return WriteOnly


class TownScopedAdmin(admin.ModelAdmin):
    """Lists only the rows the signed-in user may read (the model's scope), and offers only their towns.

    ``personal_fields`` (phones and the like) are left out of the form for anyone who may not see
    personal data unmasked, and are write-only for those who may (an existing value is never shown: the
    admin has no reveal); inlines inherit ``TownScopedInline`` and take the parent's town.
    """

    personal_fields: tuple[str, ...] = ()

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Out of scope and non-existent look the same: a 404, never a hint that the row exists.
        raise Http404

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).restrict(request.user)  # type: ignore[attr-defined]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _scope_foreign_key(
            super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return _write_only(form, self.personal_fields) if self.personal_fields else form

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if _without_personal_data(request, self.personal_fields):
            exclude += list(self.personal_fields)
        return exclude or None

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline rows carry the parent's town; the user never picks it (the same-town trigger would refuse).
        for row in formset.save(commit=False):
            if hasattr(row, "town_id") and hasattr(form.instance, "town_id"):
                row.town_id = form.instance.town_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()


class CaseFileAdmin(admin.ModelAdmin):
    """Case files (demands, their assignments, the outbox) are the presidium's to read; the three
    administrators (三员分立), superusers included, do not see them."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user: Any = request.user
        return user.is_active and user.can(Capability.SUPERVISE) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class AuditAdmin(admin.ModelAdmin):
    """The audit trail: read by the audit administrator (``READ_AUDIT``) alone, and by nobody written."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.can(Capability.READ_AUDIT))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(AuditAdmin):
    """What was done in the admin, by whom and when. The object's title is left out: for a case file it
    is the case's own words, which the auditor does not read."""

    list_display = ("action_time", "user", "content_type", "object_id", "action_flag", "get_change_message")
    list_filter = ("action_flag", "content_type")
    date_hierarchy = "action_time"
    fields = readonly_fields = list_display


class TownScopedInline(admin.TabularInline):
    """An inline whose selects offer only the user's towns and whose rows take the parent's town."""

    exclude = ("town",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _scope_foreign_key(
            super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request
        )


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name", "code")


@admin.register(Town)
class TownAdmin(TownScopedAdmin):
    list_display = ("code", "name", "tracking_prefix", "county")
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
