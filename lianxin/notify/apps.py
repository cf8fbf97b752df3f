from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "lianxin.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from lianxin.core.kit import kit

        from . import channels, checks, engine, robots, scopes  # noqa: F401  (who reads what; the notice engine)

        # The channels every town has; other apps add theirs (the API its webhooks) the same way.
        kit(self.label).add("channels", channels.INAPP, channels.SMS, channels.EMAIL)
        kit(self.label).add("channels", robots.WECOM, robots.DINGTALK)  # group robots (docs/notifications.md)
