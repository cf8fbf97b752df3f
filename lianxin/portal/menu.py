"""The top menu and each role's landing page, from one table: an entry, the page it opens, and who may open it.

Each entry names the capabilities its page asks (any one of them opens it), so the menu never offers a page that
answers 403; ``tests/portal/test_menu.py`` walks every role's menu and opens each link as that role. A page's
own check stays in its view: when a view's check changes, its row here changes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability as C


@dataclass(frozen=True)
class Entry:
    key: str  # data-nav, and what a test finds it by
    label: str | Promise
    url_name: str
    any_of: tuple[str, ...]  # the user has at least one of these
    none_of: tuple[str, ...] = ()  # and none of these (another entry serves them)
    in_town: bool = False  # only for an account of one town (the page works on the user's town)

    def allowed(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.in_town and not getattr(user, "town_id", None):
            return False
        return any(can(user, c) for c in self.any_of) and not any(can(user, c) for c in self.none_of)

    def url(self) -> str:
        return reverse(self.url_name)


# In the order the menu shows them. A mediator's work is the dispute ledger: their 工作台 opens it.
MENU: tuple[Entry, ...] = (
    Entry("workbench", _("Workbench"), "disputes:index", any_of=(C.MEDIATE,)),
    Entry(
        "workbench",
        _("Workbench"),
        "demands:index",
        any_of=(C.CLAIM_DEMAND, C.HANDLE_ASSIGNMENT, C.VIEW_TOWN, C.RECORD_FOR_OTHERS, C.REPORT_OBSERVATION),
        none_of=(C.MEDIATE, C.VIEW_COUNTY),
    ),
    Entry("county", _("Towns of the county"), "portal:county", any_of=(C.VIEW_COUNTY,)),
    Entry("demands", _("Demands"), "demands:overview", any_of=(C.MEDIATE, C.VIEW_COUNTY)),
    Entry("duty", _("Duty"), "duty:home", any_of=(C.KEEP_DUTY, C.MANAGE_DUTY)),
    Entry(
        "supervision",
        _("Livelihood projects"),
        "supervision:index",
        any_of=(C.ACT_AS_DEPUTY, C.HANDLE_ASSIGNMENT, C.SUPERVISE),
        in_town=True,
    ),
    Entry(
        "tracking",
        _("Tracked items"),
        "tracking:index",
        any_of=(C.ACT_AS_DEPUTY, C.HANDLE_ASSIGNMENT, C.SUPERVISE),
    ),
    # the ledger's scope (disputes/scopes.py): the whole town's, or a deputy's cells; a department reads none
    Entry(
        "disputes",
        _("Disputes"),
        "disputes:index",
        any_of=(C.READ_TOWN_CASES, C.READ_CELL_CASES),
        none_of=(C.MEDIATE,),
    ),
    Entry("dashboard", _("Dashboard"), "insight:dashboard", any_of=(C.VIEW_INSIGHT,)),
    Entry("map", _("Grid map"), "insight:map", any_of=(C.VIEW_INSIGHT,)),
    # a deputy reads the warnings and the map of the cells they serve (insight/scopes.py), nothing more
    Entry(
        "warnings",
        _("Early warnings"),
        "insight:warnings",
        any_of=(C.READ_CELL_CASES,),
        none_of=(C.VIEW_INSIGHT,),
    ),
    Entry("map", _("Map of my cells"), "insight:map", any_of=(C.READ_CELL_CASES,), none_of=(C.VIEW_INSIGHT,)),
)


def menu_for(user: Any) -> list[tuple[str, str | Promise, str]]:
    """The entries this user may open, as (key, label, url); one per key (the first that fits)."""
    seen: set[str] = set()
    out = []
    for entry in MENU:
        if entry.key not in seen and entry.allowed(user):
            seen.add(entry.key)
            out.append((entry.key, entry.label, entry.url()))
    return out


def landing(user: Any) -> str | None:
    """Where a signed-in person lands (``None``: the portal's own page for them: the presidium's desk, the
    town at a glance, or the welcome page). The county viewer on its towns side by side, a mediator on the
    dispute ledger, a deputy or a department on their inbox."""
    if can(user, C.VIEW_COUNTY) and not getattr(user, "town_id", None):
        return reverse("portal:county")
    if can(user, C.MEDIATE):
        return reverse("disputes:index")
    if can(user, C.CLAIM_DEMAND) or can(user, C.HANDLE_ASSIGNMENT):
        return reverse("demands:index")
    return None
