"""The audit trail in the admin: read, filtered and exported (Excel) by the audit administrator alone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lianxin.core.admin import AuditAdmin
from lianxin.exports.views import answer

from . import exports
from .models import AuditEntry

EXPORT_PARAM = "_export"


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditAdmin):
    list_display = ("at", "kind", "action", "user_label", "get_role_display", "town", "object_label", "ip")
    list_filter = ("kind", "role", "town", "at")
    search_fields = ("user_label", "action", "object_type", "object_id", "object_label", "ip")
    date_hierarchy = "at"
    list_select_related = ("town",)
    fields = readonly_fields = (
        "at",
        "kind",
        "action",
        "user_label",
        "user_id",
        "role",
        "town",
        "object_type",
        "object_id",
        "object_label",
        "reason",
        "ip",
        "user_agent",
        "details",
    )
    show_full_result_count = False

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
