from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "lianxin.insight"
    label = "insight"
    verbose_name = _("Insight: dashboards, map, warnings, reports")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.EarlyWarning, "cell", "category", "tracked_item")
        same_town(m.EarlyWarningEvent, "warning")
        from . import scopes, workflow  # noqa: F401
