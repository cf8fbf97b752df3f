"""Keys for systems, idempotency records, and the webhooks that report hotline demands back."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.models import User
from lianxin.core.clock import now
from lianxin.core.fields import EncryptedTextField
from lianxin.core.models import TownOwned
from lianxin.demands.models import Channel, DemandEvent


class ApiKey(TownOwned):
    """A key issued to one system of one town (the 12345 hotline, a back office). Only its hash is kept."""

    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(
        _("channel of the demands it files"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE
    )
    # The key acts through this account (it records demands, signs events and evaluations); nobody signs in
    # with it: its password is unusable.
    account = models.OneToOneField(
        "api.SystemAccount",
        verbose_name=_("system account"),
        on_delete=models.PROTECT,
        related_name="api_key",
        editable=False,
    )
    created_at = models.DateTimeField(_("issued at"), default=now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["town", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="apikey_name_unique_in_town"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="apikey_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SystemAccount(User):
    """The principal an API key acts as: a town-scoped system of the system role, not a person.

    What it may do is its role's capabilities (``accounts/roles.py``) and the rules that ask them: record
    demands in its town, read its town's demands (personal data masked), and evaluate, on the caller's
    behalf, a demand it recorded itself (the hotline's call-back, 回访). It never claims, assigns, handles
    or closes.
    """

    is_system = True

    class Meta:
        proxy = True
        verbose_name = _("system account")
        verbose_name_plural = _("system accounts")


class IdempotencyRecord(models.Model):
    """The first answer to a POST that carried an ``Idempotency-Key``; a retry gets the same answer."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    client = models.CharField(_("client"), max_length=40)  # "key:<id>" or "user:<id>"
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body of the first request
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)  # the data, rendered again in the format asked for
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_once_per_client"),
            models.CheckConstraint(
                condition=Q(state__in=["in_progress", "done"]), name="idempotency_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"


class WebhookSubscription(TownOwned):
    """A receiver (the hotline's write-back URL) told of every change to the town's demands of a channel."""

    name = models.CharField(_("name"), max_length=60)
    url = models.URLField(_("URL"), max_length=300)
    secret = EncryptedTextField(_("signing secret"), editable=False)
    channel = models.CharField(
        _("demands of channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=now)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["town", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="webhook_name_unique_in_town"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="webhook_channel_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")


class WebhookDelivery(TownOwned):
    """One demand event to one subscription: the delivery list the administrator reads. It is retried with
    back-off until the receiver answers 2xx by the one outbound queue: ``message`` is its outbox row (attempts,
    next attempt, last error), in the subscription's stream so the receiver hears the events in order."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        DemandEvent, verbose_name=_("demand event"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.OneToOneField(
        "notify.OutboxMessage",
        verbose_name=_("outbox message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_delivery",
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["subscription", "event_id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_event_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["subscription", "status", "event"], name="webhook_queue")]

    # The retry state is the outbox row's: read here for the delivery list.
    @property
    def attempts(self) -> int:
        return self.message.attempts if self.message is not None else 0

    @property
    def last_error(self) -> str:
        return self.message.last_error if self.message is not None else ""

    @property
    def next_attempt_at(self) -> Any:
        return self.message.next_attempt_at if self.message is not None else None
