"""Keys, webhook subscriptions and their deliveries: the town's set-up, read by who manages it."""

from typing import Any

from django.db.models import QuerySet

from lianxin.core import scopes
from lianxin.demands.models import Demand

from .models import ApiKey, WebhookDelivery, WebhookSubscription

for _model in (ApiKey, WebhookSubscription, WebhookDelivery):
    scopes.rule(_model)(scopes.managers)

# Open311's "poll the status by id": whoever holds a request's id reads its status fields (only those:
# ``open311.status_dict``), the way a citizen holds a tracking code. Never used for lists.
STATUS_BY_ID = "status_by_id"


@scopes.rule(Demand, STATUS_BY_ID)
def status_by_id(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs
