from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lianxin.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers who reads what)
