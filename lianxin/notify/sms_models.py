"""What the SMS gateways report back, and who asked for no more texts (imported by ``models.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.clock import now
from lianxin.core.models import TownOwned


class SMSStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted by the gateway")
    DELIVERED = "delivered", _("delivered")
    UNDELIVERED = "undelivered", _("not delivered")
    REFUSED = "refused", _("refused by the gateway")


class SMSDelivery(TownOwned):
    """One text handed to a gateway: its id there (Alibaba's BizId, Tencent's SerialNo) and, once the gateway
    reports (callback or polling), whether it reached the phone, with the operator's code. A notice's text
    belongs to its outbox row; a sign-in code's has none. The phone is kept only as its keyed hash (the daily
    cap counts by it)."""

    message = models.ForeignKey(
        "notify.OutboxMessage",
        verbose_name=_("outbox message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sms_deliveries",
    )
    provider = models.CharField(_("gateway"), max_length=12)
    template = models.CharField(_("template"), max_length=40, blank=True)
    phone_hash = models.CharField(_("phone (hash)"), max_length=64)
    gateway_id = models.CharField(_("id at the gateway"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=SMSStatus.choices)
    code = models.CharField(_("gateway's code"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=now)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS delivery")
        verbose_name_plural = _("SMS deliveries")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["phone_hash", "sent_at"], name="sms_per_number_day"),
            models.Index(fields=["provider", "gateway_id"], name="sms_by_gateway_id"),
        ]


class SMSOptOut(models.Model):
    """A phone that asked for no more notice texts (it replied TD, or an administrator recorded its request).
    Kept as the keyed hash of the number, for the whole installation: the texts all carry one signature.
    Sign-in codes, which the person asks for themselves, still go."""

    phone_hash = models.CharField(_("phone (hash)"), max_length=64, unique=True)
    source = models.CharField(_("how"), max_length=12)  # "reply" (TD to a text) or "admin"
    created_at = models.DateTimeField(_("since"), default=now)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")
        ordering = ["-created_at"]

    def __str__(self) -> str:  # never the number: only the start of its hash
        return f"{self.phone_hash[:8]}… ({self.source})"
