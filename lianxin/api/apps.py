from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "lianxin.api"
    label = "api"
    verbose_name = _("API and integrations")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m
        from . import subscribers  # noqa: F401  (wakes the webhook worker after a hotline demand changes)

        same_town(m.ApiKey, "account")
        same_town(m.WebhookDelivery, "subscription", "event")

        # Webhook deliveries go through notify's one outbound queue, as its channel "webhook".
        from lianxin.core.kit import kit

        from . import scopes  # noqa: F401  (registers who reads what)
        from .channels import WEBHOOK

        kit(self.label).add("channels", WEBHOOK)
