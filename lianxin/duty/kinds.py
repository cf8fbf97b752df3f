"""The kinds of activity a duty record holds, and the statuses of the duty app's own workflows (their event
kinds are in ``events.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    # the closed loop (demands)
    DEMAND_RECORDED = "demand_recorded", _("demand recorded for a citizen")
    DEMAND_CLAIMED = "demand_claimed", _("demand taken (接单)")
    DEMAND_ASSIGNED = "demand_assigned", _("demand assigned to a department (交办)")
    DEMAND_CHECKED = "demand_checked", _("result checked on the ground")
    DEMAND_SUPERVISED = "demand_supervised", _("assignment supervised (督办)")
    DEMAND_EVALUATED = "demand_evaluated", _("demand handled and evaluated")
    DEMAND_CLOSED = "demand_closed", _("demand closed")
    SUGGESTION = "suggestion", _("suggestion to a higher congress")
    # the station and the grid
    STATION_DUTY = "station_duty", _("station duty (值班)")
    RECEPTION = "reception", _("reception at the station")
    VISIT = "visit", _("door-to-door visit")
    STAGGERED_VISIT = "staggered_visit", _("staggered visit (错时走访)")
    EVENING_VISIT = "evening_visit", _("evening talk (夜访恳谈)")
    # the dispute ledger and supervision (wired by their apps' kinds in sources.py)
    MEDIATION = "mediation", _("mediation on the supervision seat")
    HEARING = "hearing", _("hearing")
    PROJECT_VOTE = "project_vote", _("livelihood project vote")
    INSPECTION = "inspection", _("on-site inspection")
    INQUIRY = "inquiry", _("inquiry session")
    REPORT_HEARD = "report_heard", _("report heard and deliberated")
    # entered by hand, confirmed by the presidium
    POLICY_TALK = "policy_talk", _("policy talk")
    TRAINING = "training", _("training")
    ENTERPRISE_HELP = "enterprise_help", _("help to an enterprise")
    OTHER = "other", _("other activity")


# What a deputy may enter by hand (anything else comes from an event).
MANUAL = (Activity.POLICY_TALK, Activity.TRAINING, Activity.ENTERPRISE_HELP, Activity.OTHER)


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    ON_DUTY = "on_duty", _("on duty")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class VisitKind(models.TextChoices):
    DOOR = "door", _("door-to-door visit")
    STAGGERED = "staggered", _("staggered visit (错时走访)")
    EVENING = "evening", _("evening talk (夜访恳谈)")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("not confirmed")


VISIT_ACTIVITY = {
    VisitKind.DOOR: Activity.VISIT,
    VisitKind.STAGGERED: Activity.STAGGERED_VISIT,
    VisitKind.EVENING: Activity.EVENING_VISIT,
}
