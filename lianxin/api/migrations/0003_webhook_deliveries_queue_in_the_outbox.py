"""Webhook deliveries move onto the one outbound queue: each delivery's retry state (attempts, next attempt,
last error) becomes an outbox row of channel ``webhook`` in its subscription's stream, ordered by event."""

import django.db.models.deletion
from django.db import migrations, models


def carry_over(apps, schema_editor):
    """Give every delivery its outbox row, with the state it had: a delivered one is sent, a pending one keeps
    its attempts, its next attempt and its last error."""
    delivery_model = apps.get_model("api", "WebhookDelivery")
    message_model = apps.get_model("notify", "OutboxMessage")
    for delivery in delivery_model.objects.filter(message__isnull=True).iterator():
        delivered = delivery.status == "delivered"
        message = message_model.objects.create(
            town_id=delivery.town_id,
            channel="webhook",
            subject=f"demand.{(delivery.payload or {}).get('action', '')}"[:120],
            body="",
            status="sent" if delivered else "pending",
            attempts=min(delivery.attempts, 32767),
            next_attempt_at=delivery.next_attempt_at,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            sent_at=delivery.delivered_at,
            stream=f"webhook:{delivery.subscription_id}",
            sequence=delivery.event_id,
        )
        delivery_model.objects.filter(pk=delivery.pk).update(message=message)


def carry_back(apps, schema_editor):
    delivery_model = apps.get_model("api", "WebhookDelivery")
    for delivery in delivery_model.objects.filter(message__isnull=False).select_related("message"):
        message = delivery.message
        delivery_model.objects.filter(pk=delivery.pk).update(
            attempts=message.attempts,
            next_attempt_at=message.next_attempt_at,
            last_error=message.last_error,
            message=None,
        )
        message.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_system_accounts_take_the_system_role"),
        ("notify", "0004_outbox_carries_webhooks_in_streams"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="message",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="webhook_delivery",
                to="notify.outboxmessage",
                verbose_name="outbox message",
            ),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(model_name="webhookdelivery", name="attempts"),
        migrations.RemoveField(model_name="webhookdelivery", name="last_error"),
        migrations.RemoveField(model_name="webhookdelivery", name="next_attempt_at"),
    ]
