"""Keys, webhook subscriptions and their deliveries: the town's set-up, read by who manages it."""

from lianxin.core import scopes

from .models import ApiKey, WebhookDelivery, WebhookSubscription

for _model in (ApiKey, WebhookSubscription, WebhookDelivery):
    scopes.rule(_model)(scopes.managers)
