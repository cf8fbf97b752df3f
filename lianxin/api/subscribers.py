"""Wake the webhook worker when a hotline demand has a new event, instead of waiting for the minute's sweep.

Only a nudge, not logic: the delivery rows are made by ``services.webhooks_collect``, which the periodic
task runs anyway, so a lost nudge costs at most a minute. One nudge per transaction, however many events.
"""

from __future__ import annotations

from lianxin.core.events import DomainEvent, subscribe
from lianxin.core.transactions import on_commit_once
from lianxin.demands.events import Event
from lianxin.demands.models import Channel


@subscribe(Event)
def kick_webhooks(event: DomainEvent) -> None:
    if event.subject.channel == Channel.HOTLINE:
        from .tasks import pump_webhooks

        on_commit_once(pump_webhooks)
