"""The webhook channel of the one outbound queue: an outbox row of channel ``webhook`` is one delivery, posted
signed to its subscription's receiver. Registered in ``ApiConfig.ready()``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianxin.notify.channels import Retry

# 10 s, 20 s, 40 s, … at most an hour, until the receiver answers (docs/api.md).
WEBHOOK_RETRY = Retry(first=dt.timedelta(seconds=10), cap=dt.timedelta(hours=1), max_attempts=None)


class WebhookChannel:
    name = "webhook"
    retry = WEBHOOK_RETRY
    atomic = False  # no transaction is held open while the receiver is called
    for_people = False  # never offered in a person's notification settings

    def address(self, user: Any) -> str:
        return ""  # a webhook reaches a subscription, never an account

    def deliver(self, msg: Any) -> None:
        from .models import WebhookDelivery
        from .services import webhook_send

        delivery = WebhookDelivery.objects.select_related("subscription").filter(message=msg).first()
        if delivery is None:
            return  # its delivery row lost a race to another collecting pass: nothing to send
        webhook_send(delivery=delivery)


WEBHOOK = WebhookChannel()
