"""The migration that moves webhook deliveries onto the one outbound queue carries every row's state over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lianxin.core.integrity import install_same_town_triggers

BEFORE = [
    ("api", "0002_system_accounts_take_the_system_role"),
    ("notify", "0004_outbox_carries_webhooks_in_streams"),
]
AFTER = [("api", "0003_webhook_deliveries_queue_in_the_outbox")]


@pytest.mark.django_db(transaction=True)
def test_existing_deliveries_get_their_outbox_rows_with_their_state(loop):
    demand = loop.claimed(channel="hotline")
    events = list(demand.events.order_by("pk"))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        sub_model, delivery_model = (
            old.get_model("api", "WebhookSubscription"),
            old.get_model("api", "WebhookDelivery"),
        )
        sub = sub_model.objects.create(
            town_id=demand.town_id, name="12345", url="http://x.invalid/", secret="s"
        )
        later = timezone.now() + dt.timedelta(minutes=7)
        done = delivery_model.objects.create(
            town_id=demand.town_id,
            subscription=sub,
            event_id=events[0].pk,
            payload={"action": "record"},
            status="delivered",
            attempts=1,
            delivered_at=timezone.now(),
            last_status_code=204,
        )
        waiting = delivery_model.objects.create(
            town_id=demand.town_id,
            subscription=sub,
            event_id=events[1].pk,
            payload={"action": "claim"},
            status="pending",
            attempts=3,
            next_attempt_at=later,
            last_error="HTTP 502",
        )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        delivery_model = new.get_model("api", "WebhookDelivery")
        sent = delivery_model.objects.select_related("message").get(pk=done.pk).message
        assert (sent.channel, sent.status, sent.attempts) == ("webhook", "sent", 1)
        pending = delivery_model.objects.select_related("message").get(pk=waiting.pk).message
        assert (pending.status, pending.attempts, pending.last_error) == ("pending", 3, "HTTP 502")
        assert pending.next_attempt_at == later
        assert pending.stream == sent.stream == f"webhook:{sub.pk}"
        assert (sent.sequence, pending.sequence) == (events[0].pk, events[1].pk)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        install_same_town_triggers()  # as post_migrate does: SQLite dropped those of the rebuilt tables
