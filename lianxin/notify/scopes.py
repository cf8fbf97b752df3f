"""A notification is its recipient's; the outbox is a case file, read by who supervises the town."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.core import scopes
from lianxin.core.access import Capability, can, is_signed_in

from .models import LockedKind, Notification, OutboxMessage, RobotGroup, SMSDelivery


@scopes.rule(Notification)
def notifications(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(user_id=principal.pk) if is_signed_in(principal) and principal.pk else qs.none()


@scopes.rule(OutboxMessage)
def outbox(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if can(principal, Capability.SUPERVISE):
        return qs
    return notifications(principal, qs)


# A group robot is the town's set-up, like a webhook: read by who manages the town's reference data or accounts.
scopes.rule(RobotGroup)(scopes.managers)


# What the SMS gateway said of a text belongs with its outbox row: read by who supervises the town.
@scopes.rule(SMSDelivery)
def sms_deliveries(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if can(principal, Capability.SUPERVISE) else qs.none()


# The kinds nobody may switch off are the town's rule: read by its people (the settings page shows them).
scopes.rule(LockedKind)(scopes.town_wide)
