"""Wake the webhook worker when a demand event is written, instead of waiting for the minute's sweep.

Only a nudge, not logic: the delivery rows are made by ``services.webhooks_collect``, which the periodic
task runs anyway, so a lost nudge costs at most a minute.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from lianxin.core.transactions import on_commit_once
from lianxin.demands.models import Channel, DemandEvent


@receiver(post_save, sender=DemandEvent, dispatch_uid="api-webhook-kick")
def _kick_webhooks(sender: Any, instance: DemandEvent, created: bool, **kwargs: Any) -> None:
    # Only hotline demands are written back; the demand is already loaded on the event (no query).
    if created and instance.demand.channel == Channel.HOTLINE:
        from .tasks import pump_webhooks

        on_commit_once(pump_webhooks)
