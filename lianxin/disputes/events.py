"""Every kind of event the dispute ledger records: the stored value and the staff's label.

``Event`` is the dispute's timeline (its moves and steps, see ``workflow.py``); ``HearingEvent`` is a
hearing's. Other apps subscribe to both with one line: ``subscribe(*KINDS)``. An event a deputy takes part
in (a session with a deputy on the supervision seat, a hearing held) carries the deputies other than the
actor in ``DomainEvent.data["deputies"]``: a list of ``people.Deputy`` primary keys.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    REGISTER = "register", _("registered")
    ACCEPT = "accept", _("accept for mediation")
    START = "start", _("start mediation")
    SESSION = "session", _("record a mediation session")
    AGREE = "agree", _("record the agreement")
    FAIL = "fail", _("record that mediation failed")
    REFER = "refer", _("refer onward")
    FOLLOW_UP = "follow_up", _("record the follow-up")
    CLOSE = "close", _("close")
    REASSESS = "reassess", _("reassess the risk")
    FLAG_PETITION_RISK = "flag_petition", _("flag a petition risk")
    CLEAR_PETITION_RISK = "clear_petition", _("remove the petition risk")
    RAISE_DEMAND = "raise_demand", _("raise a demand")


class HearingEvent(models.TextChoices):
    PROPOSE = "propose", _("hearing proposed")
    HOLD = "hold", _("record the hearing")
    DISMISS = "dismiss", _("dismiss the proposal")
    ADD_TASK = "add_task", _("add a follow-up task")


KINDS = (Event, HearingEvent)

# The kinds whose published data names deputies (``data["deputies"]``): the duty app must count each one
# or mark it as not counting (its start-up check refuses one it does not know).
NAMES_DEPUTIES = (Event.SESSION, HearingEvent.HOLD)
