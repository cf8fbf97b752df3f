from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "lianxin.demands"
    label = "demands"
    verbose_name = _("Demands and the three lists")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town
        from lianxin.core.kit import kit

        from . import models as m

        same_town(m.Category, "default_department")
        same_town(
            m.Demand, "category", "cell", "station", "deputy", "merged_into", "requester", "recorded_by"
        )
        same_town(m.Assignment, "demand", "department")
        same_town(m.Extension, "assignment")
        same_town(m.Evaluation, "demand")
        same_town(m.DemandEvent, "demand")
        same_town(m.Attachment, "demand")
        same_town(m.Reminder, "assignment")
        same_town(m.PersonalDataAccess, "demand")

        # The scopes, the move table (which registers the moves' permissions) and the notice table.
        # The list and year exports (lianxin/exports: a long one is a worker job); the retention rule.

        from . import (  # noqa: F401
            counters,
            exports,
            notices,
            retention,
            scopes,
            workflow,
        )
        from .services import ASSIGNMENT_DEADLINES

        # The assignments' deadlines, which the one sweep (core.sweep, every minute) recolours.
        kit(self.label).add("lights", ASSIGNMENT_DEADLINES)

        kit(self.label).add("notices", notices.TABLE)

        # What waits for a person here, for notify's daily digest.
        from .waiting import waiting_demands

        kit(self.label).add("waiting", waiting_demands)

        # The personal data a demand keeps and when it goes: the privacy app runs the rule.
        kit(self.label).add("retention", retention.RULE)
