from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianxin.core.access import towns_visible_to
from lianxin.core.admin import CaseFileAdmin, TownScopedAdmin
from lianxin.core.masking import mask_name, mask_phone
from lianxin.core.outbound import error_text

from .models import OutboxMessage, OutboxStatus, RobotAudience, RobotGroup, RobotKind, SMSDelivery, SMSOptOut


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


def _targets(request: HttpRequest) -> list[tuple[Any, Any]]:
    """What a robot can stand for, in the towns the user manages: the presidium, each department, each cell's
    deputies. notify sits under the apps that own departments and cells, so it reads them by label."""
    towns = towns_visible_to(request.user)
    department, cell = apps.get_model("people", "Department"), apps.get_model("territory", "GridCell")
    return [
        (RobotAudience.PRESIDIUM.value, RobotAudience.PRESIDIUM.label),
        (
            _("Departments"),
            [(f"department:{d.pk}", f"{d.town} · {d}") for d in department.objects.filter(town__in=towns)],
        ),
        (
            _("Cells' deputies"),
            [(f"cell_deputies:{c.pk}", f"{c.town} · {c}") for c in cell.objects.filter(town__in=towns)],
        ),
    ]


class RobotGroupForm(forms.ModelForm):
    """The robot's group is one choice (``target``); the key and the secret are write-only: an existing value
    is never sent back to the browser, and left empty it is kept."""

    target = forms.ChoiceField(label=_("group of"))

    class Meta:
        model = RobotGroup
        fields = ("town", "name", "kind", "target", "token", "secret", "keyword", "active")
        widgets = {
            "token": forms.PasswordInput(render_value=False),
            "secret": forms.PasswordInput(render_value=False),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        robot = self.instance
        if robot.pk is not None:
            self.initial["target"] = (
                robot.audience
                if robot.audience == RobotAudience.PRESIDIUM
                else f"{robot.audience}:{robot.audience_key}"
            )
            for name in ("token", "secret"):
                self.fields[name].required = False
                if getattr(robot, name):
                    self.fields[name].help_text = _(
                        "Stored (not shown). Leave empty to keep it; type to replace it."
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        robot = self.instance
        for name in ("token", "secret"):
            if robot.pk is not None and not data.get(name):
                data[name] = getattr(robot, name)
        audience, _sep, key = str(data.get("target", "")).partition(":")
        town = data.get("town")
        if audience and audience != RobotAudience.PRESIDIUM and town is not None:
            model = apps.get_model(
                *(("people", "Department") if audience == "department" else ("territory", "GridCell"))
            )
            if not model.objects.filter(pk=int(key), town=town).exists():
                self.add_error("target", _("Choose a group of the robot's own town."))
        robot.audience, robot.audience_key = audience, (int(key) if key else None)
        if data.get("kind") == RobotKind.WECOM and (data.get("secret") or data.get("keyword")):
            self.add_error("secret", _("A WeCom robot has no signing secret or keyword: leave both empty."))
        return data


@admin.register(RobotGroup)
class RobotGroupAdmin(TownScopedAdmin):
    """The town's WeCom and DingTalk group robots, with what each delivered and what failed."""

    form = RobotGroupForm
    list_display = ("name", "town", "kind", "audience", "active", "last_sent", "failed", "error")
    list_filter = ("kind", "audience", "active")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["target"].choices = _targets(request)
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        unsent = OutboxMessage.objects.filter(
            robot=OuterRef("pk"), status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_sent_at=Max("messages__sent_at"),
                failed_count=Count("messages", filter=Q(messages__status=OutboxStatus.FAILED)),
                last_error=Subquery(unsent.exclude(last_error="").order_by("-pk").values("last_error")[:1]),
            )
        )

    @admin.display(description=_("last sent"), ordering="last_sent_at")
    def last_sent(self, obj: Any) -> Any:
        return obj.last_sent_at

    @admin.display(description=_("failed messages"), ordering="failed_count")
    def failed(self, obj: Any) -> int:
        return int(obj.failed_count)

    @admin.display(description=_("last error"))
    def error(self, obj: Any) -> str:
        return error_text(obj.last_error or "")
