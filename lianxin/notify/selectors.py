from typing import Any

from django.db.models import QuerySet

from .models import Notification, OutboxMessage, OutboxStatus


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def failed_outbox(*, town_ids: Any) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(town_id__in=town_ids, status=OutboxStatus.FAILED)
