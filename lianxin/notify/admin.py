from django.contrib import admin

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
