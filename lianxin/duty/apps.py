from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "lianxin.duty"
    label = "duty"
    verbose_name = _("Deputies' duty record")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.DutyEntry, "deputy")
        same_town(m.Shift, "deputy", "station")
        same_town(m.Reception, "shift", "demand")
        same_town(m.Visit, "deputy", "observer", "cell")
        same_town(m.VisitMatter, "visit", "demand")
        same_town(m.ManualActivity, "deputy")
        same_town(m.DutyEvent, "shift", "visit", "activity")
        same_town(m.DutyReport, "deputy")

        # The scopes, the move tables (they register the moves' permissions) and the record's subscriber.
        # Refuses a kind that names deputies with no duty source (``manage.py check``, and every start).
        from lianxin.core.kit import kit

        from . import (  # noqa: F401
            checks,
            desk,
            record,
            scopes,
            workflow,
        )

        kit(self.label).add("desk", desk.desk)  # the missed shifts on the presidium's desk (portal home)
        # The duty figures of the office's reports (insight reads every app's, never imports this one).
        from .figures import report_figures

        kit(self.label).add("figures", report_figures)
