"""The outbox (what must be delivered) and the in-app notifications it delivers to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.clock import now
from lianxin.core.fields import EncryptedTextField
from lianxin.core.models import TownOwned


class ChannelName(models.TextChoices):
    INAPP = "inapp", _("in-app")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboxMessage(TownOwned):
    """A message queued in the same transaction as the change it reports; the worker delivers it. The one
    retry queue for everything outbound: notices on every channel, and the API's webhook deliveries."""

    channel = models.CharField(_("channel"), max_length=8, choices=ChannelName.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # An in-app message to a group (a cell's deputies, a department's staff) is one row: ``user`` is the
    # first recipient, ``group`` the ids of the others; delivery makes one notification for each.
    group = models.JSONField(_("other recipients"), default=list, blank=True)
    # A phone number or e-mail address is personal data: encrypted at rest like the demand's requester.
    address = EncryptedTextField(_("address"), blank=True)
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=200, blank=True)
    # What the notice is (its kind key, "demands.assign") and whether its people must act: the bell files it
    # by these, and the preferences are kept per kind.
    kind = models.CharField(_("kind"), max_length=80, blank=True, default="", db_default="")
    action = models.BooleanField(_("needs action"), default=False, db_default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Rows of one stream (a webhook subscription's) are sent in ``sequence`` order, each only once every
    # earlier one is sent, so a receiver never hears "closed" before "assigned".
    stream = models.CharField(_("stream"), max_length=40, blank=True)
    sequence = models.BigIntegerField(_("place in the stream"), null=True, blank=True)
    # A text on a real gateway is an approved template with variables (lianxin/notify/sms.py): its name and
    # the values of its variables, set when the notice is queued.
    template = models.CharField(_("SMS template"), max_length=40, blank=True)
    params = models.JSONField(_("template values"), default=dict, blank=True)
    # A group robot's message (WeCom, DingTalk) goes to its robot, never to an account (notify/robots.py).
    robot = models.ForeignKey(
        "notify.RobotGroup",
        verbose_name=_("group robot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=ChannelName.values), name="outbox_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            # A webhook row's receiver is its delivery's subscription (re-pointed there, not here).
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | ~Q(address="")
                | Q(channel=ChannelName.WEBHOOK)
                | Q(robot__isnull=False),
                name="outbox_has_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["stream", "status", "sequence"], name="outbox_stream"),
        ]

    @property
    def recipient_ids(self) -> list[int]:
        """Every account the message is for: the row's user and the rest of its group."""
        return [self.user_id, *self.group] if self.user_id is not None else list(self.group)


class Notification(TownOwned):
    """What the bell shows: an in-app message for one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=120)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The bell's filing: the notice's kind, "needs me" (``action``) or "for information", and the subject it
    # is about (its page's link; a notice without one is a subject of its own), under which notices group.
    # (Database defaults: the release before this one still inserts rows without these columns.)
    kind = models.CharField(_("kind"), max_length=80, blank=True, default="", db_default="")
    action = models.BooleanField(_("needs action"), default=False, db_default=False)
    topic = models.CharField(_("about"), max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "action", "topic"], name="notification_tab_topic"),
        ]


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信) group robot")
    DINGTALK = "dingtalk", _("DingTalk (钉钉) custom robot")


class RobotAudience(models.TextChoices):
    """The groups a notice names (``core.notices.Group.kind``) that a group robot can stand for."""

    DEPARTMENT = "department", _("a department's group")
    PRESIDIUM = "presidium", _("the presidium's group")
    CELL_DEPUTIES = "cell_deputies", _("a cell's deputies' group")


class RobotGroup(TownOwned):
    """A WeCom or DingTalk group robot of the town: a notice to its audience (a department's staff, the
    presidium, a cell's deputies) is also posted to its group, once (notify/robots.py, docs/notifications.md).

    ``audience_key`` is the department's or the cell's id (empty for the presidium, which is the town's);
    notify sits under the apps that own departments and cells, so it names them by id, as a notice does."""

    kind = models.CharField(_("kind"), max_length=8, choices=RobotKind.choices)
    name = models.CharField(_("name"), max_length=60)
    audience = models.CharField(_("group of"), max_length=16, choices=RobotAudience.choices)
    audience_key = models.PositiveIntegerField(_("department or cell"), null=True, blank=True)
    # The webhook's key (WeCom) or access token (DingTalk) and DingTalk's signing secret (加签, SEC…): whoever
    # holds them posts to the group, so they are encrypted at rest and never shown again in the admin.
    token = EncryptedTextField(_("webhook key or access token"), max_length=200)
    secret = EncryptedTextField(_("signing secret (DingTalk 加签)"), max_length=200, blank=True)
    keyword = models.CharField(_("keyword (DingTalk)"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=now)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["town", "audience", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RobotKind.values), name="robot_kind_valid"),
            models.CheckConstraint(
                condition=Q(audience__in=RobotAudience.values), name="robot_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience=RobotAudience.PRESIDIUM, audience_key__isnull=True)
                | (~Q(audience=RobotAudience.PRESIDIUM) & Q(audience_key__isnull=False)),
                name="robot_audience_key",
            ),
        ]
        indexes = [models.Index(fields=["town", "audience", "audience_key"], name="robot_audience")]

    def __str__(self) -> str:
        return self.name

    @property
    def stream(self) -> str:
        """The outbox stream of its messages: sent in order, each after the one before (services)."""
        return f"robot:{self.pk}"


class NoticePreference(models.Model):
    """One person's choice for one kind of notice on one channel: on or off. No row: the notice table's
    default (in-app always, the other channels its notice names)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=80)
    channel = models.CharField(_("channel"), max_length=16)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notice_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.channel}: {'on' if self.enabled else 'off'}"


class LockedKind(TownOwned):
    """A kind of notice the town's presidium decided nobody may switch off (on the channels its table
    names); people may still add channels to it."""

    kind = models.CharField(_("kind"), max_length=80)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), default=now)

    class Meta:
        verbose_name = _("locked kind of notice")
        verbose_name_plural = _("locked kinds of notice")
        constraints = [models.UniqueConstraint(fields=["town", "kind"], name="locked_kind_once")]

    def __str__(self) -> str:
        return self.kind


class DigestSent(models.Model):
    """The daily digest went to this person on this (town) date: one row each, so a second run of the task
    that day sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=now)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.date}"


from .sms_models import SMSDelivery, SMSOptOut, SMSStatus  # noqa: E402,F401  (the SMS gateways' rows)
