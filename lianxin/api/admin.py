"""Keys are revoked here; webhook deliveries that are failing or waiting are listed here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianxin.core import outbound
from lianxin.core.admin import TownScopedAdmin

from .models import ApiKey, DeliveryStatus, WebhookDelivery, WebhookSubscription
from .services import api_key_revoke, webhook_retry_now


@admin.register(ApiKey)
class ApiKeyAdmin(TownScopedAdmin):
    """Issue keys with ``lianxin manage create_api_key TOWN NAME`` (the key is shown once there)."""

    list_display = ("name", "town", "prefix", "channel", "created_at", "last_used_at", "revoked_at")
    list_filter = ("town", "channel")
    search_fields = ("name", "prefix")
    readonly_fields = ("town", "name", "prefix", "channel", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a key made here could never be shown: issue it from the command line

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


class WebhookSubscriptionForm(forms.ModelForm):
    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        # The outbound rule (docs/security.md) for a new URL; a subscription whose address the rule refuses now
        # can still be paused. Each delivery checks the address again anyway.
        if "url" in self.changed_data:
            outbound.validate_url(url)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(TownScopedAdmin):
    """Create with ``lianxin manage create_webhook TOWN NAME URL`` (prints the signing secret once)."""

    form = WebhookSubscriptionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a URL typed without one is https
    list_display = ("name", "town", "url", "channel", "active", "created_at")
    list_filter = ("town", "active")
    fields = ("town", "name", "url", "channel", "active", "created_at")
    readonly_fields = ("town", "channel", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class Waiting(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("failing", _("failing (retrying)")),
            (DeliveryStatus.PENDING.value, _("pending")),
            (DeliveryStatus.DELIVERED.value, _("delivered")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "failing":
            return queryset.filter(status=DeliveryStatus.PENDING, message__attempts__gt=0)
        if self.value() == DeliveryStatus.PENDING:
            return queryset.filter(status=DeliveryStatus.PENDING)
        if self.value() == DeliveryStatus.DELIVERED:
            return queryset.filter(status=DeliveryStatus.DELIVERED)
        return queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TownScopedAdmin):
    """Failed and pending deliveries: each is retried with backoff until the receiver answers (its retry state
    is its row in the one outbound queue, the outbox)."""

    list_display = (
        "event_id",
        "subscription",
        "action",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = (Waiting, "subscription")
    list_select_related = ("subscription", "message")
    ordering = ("-status", "-message__attempts", "event_id")  # pending (and failing) first
    readonly_fields = [
        *(f.name for f in WebhookDelivery._meta.fields if f.name != "message"),
        "attempts",
        "last_error",
        "next_attempt_at",
    ]
    exclude = ("message",)
    actions = ["retry_now"]

    @admin.display(description=_("action"))
    def action(self, obj: WebhookDelivery) -> str:
        return str(obj.payload.get("action", ""))

    @admin.display(description=_("attempts"), ordering="message__attempts")
    def attempts(self, obj: WebhookDelivery) -> int:
        return obj.attempts

    @admin.display(description=_("last error"))
    def last_error(self, obj: WebhookDelivery) -> str:
        # generic (core/outbound.py): the detail is in the worker's log
        return outbound.error_text(obj.last_error)

    @admin.display(description=_("next attempt"), ordering="message__next_attempt_at")
    def next_attempt_at(self, obj: WebhookDelivery) -> Any:
        return obj.next_attempt_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        n = webhook_retry_now(deliveries=queryset)
        from .tasks import pump_webhooks

        pump_webhooks()
        self.message_user(request, _("%(n)d deliveries will be retried.") % {"n": n}, messages.SUCCESS)
