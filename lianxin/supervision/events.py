"""Every kind of event the supervision workflows record: the stored value and the staff's label.

Moves write the kind of the same name; the rest are steps (see ``workflow.py``). Other apps subscribe to
these kinds (``subscribe(ProjectKind.INSPECT)``, or a whole class), never to free text. Every event a deputy
takes part in carries ``data["deputies"]``: the primary keys of the deputies involved other than the actor.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteKind(models.TextChoices):
    OPEN = "open", _("vote opened")
    CAST = "cast", _("cast a ballot")
    TALLY = "tally", _("enter the paper tally sheet")
    COUNT = "count", _("count the votes")


class ProjectKind(models.TextChoices):
    PROPOSE = "propose", _("proposed as a candidate")
    PUT_TO_VOTE = "put_to_vote", _("put to the vote")
    DECIDE = "decide", _("vote result")
    START = "start", _("start the project")
    ADD_MILESTONE = "add_milestone", _("add a milestone")
    REPORT_MILESTONE = "report_milestone", _("report a milestone done")
    INSPECT = "inspect", _("record an inspection")
    COMPLETE = "complete", _("report completion")
    RATE = "rate", _("give satisfaction")
    CONCLUDE = "conclude", _("conclude the rating")
    CARRY_OVER = "carry_over", _("carry into next year")


class SuggestionKind(models.TextChoices):
    DRAFT = "draft", _("drafted from a transferred demand")
    SUBMIT = "submit", _("submit to the higher level")
    REPLY = "reply", _("record the higher level's reply")
    HANDLE = "handle", _("record the handling")
    EVALUATE = "evaluate", _("deputy's satisfaction")


class InquiryKind(models.TextChoices):
    PLAN = "plan", _("session planned")
    ASK = "ask", _("add a question")
    HOLD = "hold", _("record the session held")
    ANSWER = "answer", _("record an answer")
    RECORD_FIGURES = "record_figures", _("record the figures")
    CLOSE = "close", _("close the session")


class ThemeKind(models.TextChoices):
    LAUNCH = "launch", _("themed supervision planned")
    LINK_DEMANDS = "link_demands", _("link demands")
    BEGIN = "begin", _("begin the supervision")
    INSPECT_THEME = "inspect_theme", _("record an inspection day")
    FINISH = "finish", _("conclude with the outcome")


class IndustryKind(models.TextChoices):
    RECORD_EVENT = "record_event", _("industry station event recorded")
    RECORD_OUTCOME = "record_outcome", _("record the outcome")


class PlanKind(models.TextChoices):
    DRAFT_PLAN = "draft_plan", _("supervision plan drafted")
    ADD_ITEM = "add_item", _("item added to the plan")
    ADOPT_PLAN = "adopt_plan", _("adopt the plan")


class PlanItemKind(models.TextChoices):
    HEAR_REPORT = "hear_report", _("record the report heard")
    MARK_DONE = "mark_done", _("mark done with the outcome")
    DROP_ITEM = "drop_item", _("drop the item")


# The kinds whose published data names deputies (``data["deputies"]``): the duty app must count each one
# or mark it as not counting (its start-up check refuses one it does not know).
NAMES_DEPUTIES = (
    VoteKind.CAST,
    ProjectKind.START,
    ProjectKind.INSPECT,
    ProjectKind.RATE,
    SuggestionKind.DRAFT,
    SuggestionKind.SUBMIT,
    SuggestionKind.REPLY,
    SuggestionKind.HANDLE,
    SuggestionKind.EVALUATE,
    InquiryKind.ASK,
    InquiryKind.HOLD,
    InquiryKind.ANSWER,
    InquiryKind.CLOSE,
    ThemeKind.BEGIN,
    ThemeKind.INSPECT_THEME,
    ThemeKind.FINISH,
    IndustryKind.RECORD_EVENT,
    IndustryKind.RECORD_OUTCOME,
    PlanItemKind.HEAR_REPORT,
)
