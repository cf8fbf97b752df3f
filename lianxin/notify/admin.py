from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin
from lianxin.core.outbound import error_text

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "error")
    list_filter = ("status", "channel")
    readonly_fields = [*(f.name for f in OutboxMessage._meta.fields if f.name != "last_error"), "error"]
    exclude = ("last_error",)

    @admin.display(description=_("last error"))
    def error(self, obj):
        return error_text(obj.last_error)

    def has_add_permission(self, request):
        return False
