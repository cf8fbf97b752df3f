from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lianxin.core.kit import kit


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

        # Webhook deliveries go through notify's one outbound queue, as its channel "webhook". The endpoints
        # this app serves; other apps add theirs to their own kit (api/urls.py reads them all).
        from . import (
            scopes,  # noqa: F401  (registers who reads what)
            views,
        )
        from .channels import WEBHOOK

        kit(self.label).add("channels", WEBHOOK)

        kit(self.label).add(
            "api_routes",
            ("demands", views.DemandViewSet, "demand"),
            ("categories", views.CategoryViewSet, "category"),
            ("cells", views.CellViewSet, "cell"),
            ("stations", views.StationViewSet, "station"),
            ("departments", views.DepartmentViewSet, "department"),
            ("deputies", views.DeputyViewSet, "deputy"),
        )
