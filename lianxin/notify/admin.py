from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin
from lianxin.core.masking import mask_name, mask_phone
from lianxin.core.outbound import error_text

from .models import OutboxMessage, SMSDelivery, SMSOptOut


class SMSDeliveryInline(admin.TabularInline):
    """What the SMS gateway said of the row's text: accepted, then delivered or not, with its code."""

    model = SMSDelivery
    fields = ("provider", "template", "status", "code", "gateway_id", "sent_at", "reported_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxAdmin(CaseFileAdmin, TownScopedAdmin):
    list_display = ("created_at", "channel", "subject", "status", "attempts", "error")
    list_filter = ("status", "channel")
    inlines = [SMSDeliveryInline]
    actions = ["stop_texts"]

    @admin.action(description=_("Stop texts to these numbers (the person asked: opt-out)"))
    def stop_texts(self, request, queryset):
        from .sms import opt_out

        added = opt_out((m.address for m in queryset.filter(channel="sms") if m.address), source="admin")
        self.message_user(request, _("%(count)d number(s) will get no more notice texts.") % {"count": added})

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


@admin.register(SMSOptOut)
class SMSOptOutAdmin(CaseFileAdmin):
    """Numbers that asked for no more texts (only their hash is kept). Deleting one texts it again: only when
    the person asks."""

    list_display = ("created_at", "source")
    readonly_fields = ("phone_hash", "source", "created_at")

    def has_add_permission(self, request):
        return False
