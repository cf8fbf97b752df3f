"""The audit trail in the admin: read, filtered and exported (Excel) by the audit administrator alone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianxin.core.admin import AuditAdmin
from lianxin.exports.views import answer

from . import exports, labels
from .models import AuditEntry

EXPORT_PARAM = "_export"


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditAdmin):
    list_display = ("at", "kind", "action_shown", "user_label", "role_shown", "town", "object_shown", "ip")
    list_filter = ("kind", "role", "town", "at")
    search_fields = ("user_label", "action", "object_type", "object_id", "object_label", "ip")
    date_hierarchy = "at"
    list_select_related = ("town",)
    fields = readonly_fields = (
        "at",
        "kind",
        "action_shown",
        "user_label",
        "account_number",
        "role",
        "town",
        "object_type",
        "object_id",
        "object_shown",
        "reason",
        "ip",
        "user_agent",
        "details",
    )
    show_full_result_count = False

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, obj: AuditEntry) -> str:
        return labels.action_text(obj)

    @admin.display(description=_("role"), ordering="role")
    def role_shown(self, obj: AuditEntry) -> str:
        return str(obj.get_role_display())

    @admin.display(description=_("object"), ordering="object_label")
    def object_shown(self, obj: AuditEntry) -> str:
        if not hasattr(obj, "shown_label"):  # the change page: one entry
            labels.resolve([obj])
        return str(getattr(obj, "shown_label", obj.object_label))

    @admin.display(description=_("account number"))
    def account_number(self, obj: AuditEntry) -> str:
        return str(obj.user_id or "")

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The page's objects by their own labels, one query per kind of object (never one per row)."""
        changelist = super().get_changelist_instance(request)
        labels.resolve(changelist.result_list)
        return changelist

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # nothing is deleted or changed from here

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """``?_export=xlsx`` with the list's own filters downloads what the list shows, every page of it."""
        if request.GET.get(EXPORT_PARAM) != "xlsx" or not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        query = request.GET.copy()
        query.pop(EXPORT_PARAM)
        request.GET = query  # type: ignore[assignment]
        filters = query.dict()
        return answer(  # a long trail is a worker job with a page (lianxin/exports)
            request,
            kind="audit.entries",
            params={"filters": filters},
            rows=exports.admin_rows(request.user, {"filters": filters}),
            title="audit",
            object_type="audit.auditentry",
            action="xlsx",
        )
