"""Wake the webhook worker when a demand event is written, instead of waiting for the minute's sweep.

Only a nudge, not logic: the delivery rows are made by ``services.webhooks_collect``, which the periodic
task runs anyway, so a lost nudge costs at most a minute.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lianxin.demands.models import DemandEvent

from .models import WebhookSubscription


@receiver(post_save, sender=DemandEvent, dispatch_uid="api-webhook-kick")
def _kick_webhooks(sender: Any, instance: DemandEvent, created: bool, **kwargs: Any) -> None:
    if created and WebhookSubscription.objects.filter(town_id=instance.town_id, active=True).exists():
        from .tasks import pump_webhooks

        transaction.on_commit(pump_webhooks)
