from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin
from lianxin.core.masking import mask_name, mask_phone
from lianxin.core.outbound import error_text

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "error")
    list_filter = ("status", "channel")
    # The address (a phone number, for a text) is personal data: shown masked, as everywhere (docs/security.md).
    readonly_fields = [
        *(f.name for f in OutboxMessage._meta.fields if f.name not in ("last_error", "address")),
        "masked_address",
        "error",
    ]
    exclude = ("last_error", "address")

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        return (
            mask_phone(obj.address) if obj.address.strip().lstrip("+").isdigit() else mask_name(obj.address)
        )

    @admin.display(description=_("last error"))
    def error(self, obj):
        return error_text(obj.last_error)

    def has_add_permission(self, request):
        return False
