from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "lianxin.disputes"
    label = "disputes"
    verbose_name = _("Disputes, mediation and hearings")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town
        from lianxin.core.kit import kit

        from . import models as m

        same_town(m.Dispute, "cell", "station", "mediator", "registered_by")
        same_town(m.Party, "dispute")
        same_town(m.DisputeEvent, "dispute")
        same_town(m.Session, "dispute", "supervisor", "station")
        same_town(m.Agreement, "dispute")
        same_town(m.DisputeDemand, "dispute", "demand")
        same_town(m.Hearing, "dispute", "cell", "category")
        same_town(m.HearingRecord, "hearing")

        # The scopes and the move tables (which register the moves' permissions).
        from . import scopes, workflow  # noqa: F401

        # Its kinds that name deputies, for the duty app's start-up check (see duty/checks.py).
        from .events import NAMES_DEPUTIES

        kit(self.label).add("deputy_kinds", *NAMES_DEPUTIES)
