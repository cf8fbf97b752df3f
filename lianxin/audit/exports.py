"""The audit trail as an Excel sheet, for the audit administrator: a registered export (lianxin/exports), so a
long trail is written by the worker, in keyset batches, while the auditor's page shows the progress."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from lianxin.accounts.roles import Capability
from lianxin.exports.registry import Export, register

from .models import AuditEntry, Kind

COLUMNS = (
    ("at", _("When")),
    ("user_label", _("Who")),
    ("role", _("Role")),
    ("town", _("Town")),
    ("kind", _("Kind")),
    ("action", _("Action")),
    ("object_type", _("Object type")),
    ("object_id", _("Object id")),
    ("object_label", _("Object")),
    ("reason", _("Reason")),
    ("ip", _("Client IP")),
    ("user_agent", _("User agent")),
    ("details", _("Details")),
)


class AuditSheet(resources.Resource):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, label in COLUMNS:
            self.fields[name] = fields.Field(attribute=name, column_name=label)

    class Meta:
        model = AuditEntry
        fields = tuple(name for name, _label in COLUMNS)
        export_order = fields

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        return [str(h) for h in super().get_export_headers(selected_fields=selected_fields)]

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        name = field.attribute
        if name == "at":
            return timezone.localtime(instance.at).strftime("%Y-%m-%d %H:%M:%S")
        if name == "town":
            return instance.town.name if instance.town_id and instance.town else ""
        if name == "kind":
            return str(Kind(instance.kind).label)
        if name == "role":
            return str(instance.get_role_display()) if instance.role else ""
        if name == "details":
            import json

            return json.dumps(instance.details, ensure_ascii=False) if instance.details else ""
        value = getattr(instance, name)
        return "" if value is None else str(value)


def admin_rows(user: Any, params: dict[str, Any]) -> QuerySet[AuditEntry]:
    """What the admin's list shows the user with these filters, read as the admin reads it (the worker has no
    request: one is made of the user and the filters). Nobody but the audit administrator reads a row."""
    from django.contrib import admin
    from django.http import HttpRequest, QueryDict

    request = HttpRequest()
    request.method = "GET"
    request.user = user
    query = QueryDict(mutable=True)
    query.update(params.get("filters") or {})
    request.GET = query  # type: ignore[assignment]
    model_admin = admin.site._registry[AuditEntry]
    if not model_admin.has_view_permission(request):
        return AuditEntry.objects.none()
    return model_admin.get_changelist_instance(request).get_queryset(request).select_related("town")


register(
    Export("audit.entries", admin_rows, AuditSheet, order=("-at", "-pk"), capability=Capability.READ_AUDIT)
)
