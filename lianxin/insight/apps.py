from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "lianxin.insight"
    label = "insight"
    verbose_name = _("Insight: dashboards, map, warnings, reports")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town
        from lianxin.core.kit import kit

        from . import models as m

        same_town(m.EarlyWarning, "cell", "category", "tracked_item")
        same_town(m.EarlyWarningEvent, "warning")
        from . import scopes, workflow  # noqa: F401
        from .jobs import LEDGER_IMPORT, MONTHLY_REPORT

        kit(self.label).add("jobs", LEDGER_IMPORT)
        kit(self.label).add("jobs", MONTHLY_REPORT)
        from . import desk

        kit(self.label).add("desk", desk.desk)  # its lines on the presidium's desk (portal home)
