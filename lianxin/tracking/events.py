"""Every kind of event a tracked item's timeline holds (the database refuses any other value)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingEvent(models.TextChoices):
    OPEN = "open", _("opened")
    PROGRESS = "progress", _("progress reported")
    REPORT = "report", _("reported done")
    ACCEPT = "accept", _("accepted")
    RETURN = "return", _("returned for more work")
    EXTEND = "extend", _("deadline changed")
    CANCEL = "cancel", _("cancelled")
    YELLOW = "yellow", _("due soon (reminder)")
    RED = "red", _("overdue (escalated)")


# The kinds whose published data names deputies (``data["deputies"]``): the duty app must count each one
# or mark it as not counting (its start-up check refuses one it does not know).
NAMES_DEPUTIES = (TrackingEvent.OPEN,)
