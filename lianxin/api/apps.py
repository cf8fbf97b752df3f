from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "lianxin.api"
    label = "api"
    verbose_name = _("API and integrations")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m
        from . import signals  # noqa: F401  (kicks the webhook worker after a demand changes)

        same_town(m.ApiKey, "account")
        same_town(m.WebhookDelivery, "subscription", "event")
