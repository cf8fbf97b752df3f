from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lianxin.core.kit import kit


class DisputesConfig(AppConfig):
    name = "lianxin.disputes"
    label = "disputes"
    verbose_name = _("Disputes, mediation and hearings")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.Dispute, "cell", "station", "mediator", "registered_by")
        same_town(m.Party, "dispute")
        same_town(m.DisputeEvent, "dispute")
        same_town(m.Session, "dispute", "supervisor", "station")
        same_town(m.Agreement, "dispute")
        same_town(m.DisputeDemand, "dispute", "demand")
        same_town(m.Hearing, "dispute", "cell", "category")
        same_town(m.HearingRecord, "hearing")

        # The scopes and the move tables (which register the moves' permissions), the REST endpoints the
        # API's router reads from the kit (api/urls.py), and the linked disputes on the demand's page.
        from . import api, panels, scopes, workflow  # noqa: F401

        kit(self.label).add(
            "api_routes",
            ("disputes", api.DisputeViewSet, "dispute"),
            ("mediation-sessions", api.SessionViewSet, "mediation-session"),
        )
        kit(self.label).add("panels", panels.PANEL)
        from . import desk

        kit(self.label).add("desk", desk.desk)  # its lines on the presidium's desk (portal home)

        # Its kinds that name deputies, for the duty app's start-up check (see duty/checks.py).
        from .events import NAMES_DEPUTIES

        kit(self.label).add("deputy_kinds", *NAMES_DEPUTIES)
