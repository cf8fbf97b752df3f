"""Every write of deputies' supervision. Each move is one function: it checks right, state and input, then
makes the move through the workflow core (``flow.check`` then ``flow.transition``). Who is told of what is
``notices.py``; the duty record reads ``data["deputies"]`` on each event a deputy takes part in.

One module per workflow; this package re-exports every service so callers keep
``from lianxin.supervision import services``."""

from ._common import _projects, _require, _suggestions, _votes, others
from .industry import (
    enterprise_demand_record,
    enterprise_link_demand,
    enterprise_register,
    industry_station,
    station_event_outcome,
    station_event_record,
)
from .inquiries import (
    inquiry_answer,
    inquiry_ask,
    inquiry_close,
    inquiry_hold,
    inquiry_plan,
    inquiry_record_figures,
)
from .inspections import inspection_record
from .plans import (
    plan_add_item,
    plan_adopt,
    plan_draft,
    plan_item_drop,
    plan_item_hear_report,
    plan_item_mark_done,
    plan_items_of_concluded_theme,
)
from .projects import (
    electors,
    project_add_milestone,
    project_carry_over,
    project_complete,
    project_conclude,
    project_decide,
    project_propose,
    project_put_to_vote,
    project_rate,
    project_report_milestone,
    project_start,
    satisfaction_of,
    vote_cast,
    vote_count,
    vote_open,
    vote_tally,
)
from .suggestions import (
    suggestion_draft_from,
    suggestion_evaluate,
    suggestion_handle,
    suggestion_reply,
    suggestion_submit,
)
from .themes import theme_begin, theme_finish, theme_launch, theme_link_demands

__all__ = [
    "_projects",
    "_require",
    "_suggestions",
    "_votes",
    "electors",
    "enterprise_demand_record",
    "enterprise_link_demand",
    "enterprise_register",
    "industry_station",
    "inquiry_answer",
    "inquiry_ask",
    "inquiry_close",
    "inquiry_hold",
    "inquiry_plan",
    "inquiry_record_figures",
    "inspection_record",
    "others",
    "plan_add_item",
    "plan_adopt",
    "plan_draft",
    "plan_item_drop",
    "plan_item_hear_report",
    "plan_item_mark_done",
    "plan_items_of_concluded_theme",
    "project_add_milestone",
    "project_carry_over",
    "project_complete",
    "project_conclude",
    "project_decide",
    "project_propose",
    "project_put_to_vote",
    "project_rate",
    "project_report_milestone",
    "project_start",
    "satisfaction_of",
    "station_event_outcome",
    "station_event_record",
    "suggestion_draft_from",
    "suggestion_evaluate",
    "suggestion_handle",
    "suggestion_reply",
    "suggestion_submit",
    "theme_begin",
    "theme_finish",
    "theme_launch",
    "theme_link_demands",
    "vote_cast",
    "vote_count",
    "vote_open",
    "vote_tally",
]
