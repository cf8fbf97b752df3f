from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lianxin.core.kit import kit


class SupervisionConfig(AppConfig):
    name = "lianxin.supervision"
    label = "supervision"
    verbose_name = _("Deputies' supervision")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.VoteSession, "opened_by")
        same_town(m.Project, "department", "demand", "session")
        same_town(m.Ballot, "session", "deputy")
        same_town(m.BallotChoice, "ballot", "project")
        same_town(m.Milestone, "project")
        same_town(m.Inspection, "project", "theme", "lead")
        same_town(m.InspectionPhoto, "inspection")
        same_town(m.SatisfactionVote, "project", "deputy")
        same_town(m.ProjectEvent, "project")
        same_town(m.VoteEvent, "session")
        same_town(m.Suggestion, "deputy")
        same_town(m.SuggestionDemand, "suggestion", "demand")
        same_town(m.SuggestionEvent, "suggestion")
        same_town(m.InquirySession, "station")
        same_town(m.Question, "session", "department", "asked_by", "demand")
        same_town(m.InquiryEvent, "session")
        same_town(m.ThemeEvent, "theme")
        same_town(m.Enterprise, "cell")
        same_town(m.EnterpriseDemand, "enterprise", "demand")
        same_town(m.StationEvent, "station")
        same_town(m.StationEventEvent, "event")
        same_town(m.PlanItem, "plan", "department", "theme")
        same_town(m.PlanEvent, "plan")
        same_town(m.PlanItemEvent, "item")

        # The scopes, the move tables (which register the moves' permissions), the subscribers, the notice
        # table, and the panel of the suggestion a demand was carried into, shown on the demand's page.
        from . import notices, panels, scopes, subscribers, workflow  # noqa: F401

        kit(self.label).add("notices", notices.TABLE)
        kit(self.label).add("panels", panels.PANEL)
        from . import desk

        kit(self.label).add("desk", desk.desk)  # its lines on the presidium's desk (portal home)

        # Its kinds that name deputies, for the duty app's start-up check (see duty/checks.py).
        from .events import NAMES_DEPUTIES

        kit(self.label).add("deputy_kinds", *NAMES_DEPUTIES)
