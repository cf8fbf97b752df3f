"""What a principal may do, asked by core and every app: the capabilities, ``can`` and the towns one reads.

Capabilities are declared here, at the bottom of the import graph, so core's scopes, admin and template
tags ask them without importing the accounts app (which imports core's models). The roles, and which
capabilities each role has, stay in ``accounts/roles.py``: a capability is asked, a role is only granted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Town


class Capability(models.TextChoices):
    SUBMIT_DEMAND = "submit_demand", _("submit a demand")
    RECORD_FOR_OTHERS = "record_for_others", _("record a demand for someone else")
    REPORT_OBSERVATION = "report_observation", _("report an observation")
    VIEW_TOWN = "view_town", _("see the town's workbench")
    CLAIM_DEMAND = "claim_demand", _("claim a demand")
    ASSIGN_DEMAND = "assign_demand", _("assign a demand to a department")
    HANDLE_ASSIGNMENT = "handle_assignment", _("handle an assignment")
    MEDIATE = "mediate", _("mediate disputes")
    SUPERVISE = "supervise", _("supervise and accept results")
    MANAGE_REFERENCE = "manage_reference", _("edit the town's reference data")
    VIEW_PERSONAL_DATA = "view_personal_data", _("see personal data unmasked")
    VIEW_COUNTY = "view_county", _("read every town of the county")
    MANAGE_ACCOUNTS = "manage_accounts", _("manage accounts and roles")
    MANAGE_SECURITY = "manage_security", _("manage security settings and lockouts")
    READ_AUDIT = "read_audit", _("read the audit trail")
    # How far a role reads case files (demands and what hangs on them); scopes ask these, never the role.
    READ_TOWN_CASES = "read_town_cases", _("read every case of the town")
    READ_CELL_CASES = "read_cell_cases", _("read the cases of one's grid cells")
    READ_ASSIGNED_CASES = "read_assigned_cases", _("read the cases assigned to one's department")
    READ_OWN_CASES = "read_own_cases", _("read the cases one raised or recorded")
    READ_ALL_TOWNS = "read_all_towns", _("work across every town of the platform")
    SIGN_IN_BY_PHONE = "sign_in_by_phone", _("sign in with an SMS code")
    EVALUATE_FOR_CALLER = "evaluate_for_caller", _("evaluate on the caller's behalf")
    GRANT_ROLES = "grant_roles", _("grant roles, staff access and permissions")
    KEEP_DUTY = "keep_duty", _("keep one's duty record: check in, log visits, enter activities")
    MANAGE_DUTY = "manage_duty", _("run the rota, confirm activities, set points, read every duty record")
    # A deputy's part in supervision: the project vote, inspections, satisfaction, suggestions upward.
    ACT_AS_DEPUTY = "act_as_deputy", _("vote, inspect and suggest as a deputy")
    VIEW_INSIGHT = "view_insight", _("read the dashboards, the grid map and the warnings")
    ACT_ON_INSIGHT = "act_on_insight", _("act on warnings, import ledgers and make reports")


# The capabilities that decide which rows a principal reads: how far into case files, across which towns, and
# whether personal data shows unmasked. A file read under them (an export) is only as good as they still are.
READING = (
    Capability.READ_TOWN_CASES,
    Capability.READ_CELL_CASES,
    Capability.READ_ASSIGNED_CASES,
    Capability.READ_OWN_CASES,
    Capability.READ_ALL_TOWNS,
    Capability.VIEW_COUNTY,
    Capability.VIEW_PERSONAL_DATA,
    Capability.READ_AUDIT,
)


def can(principal: Any, capability: str) -> bool:
    """Whether any principal, the anonymous visitor included, has ``capability``."""
    check = getattr(principal, "can", None)
    return bool(check is not None and getattr(principal, "is_authenticated", False) and check(capability))


def may_reveal_in_town(principal: Any, obj: Any) -> bool:
    """The holder of ``view_personal_data`` in ``obj``'s town (the presidium) may ask for any of the town's
    people in full (a reveal, lianxin/audit/reveal.py); each app adds who else may, for its own objects."""
    town_id = getattr(principal, "town_id", None)
    return bool(
        can(principal, Capability.VIEW_PERSONAL_DATA) and town_id is not None and town_id == obj.town_id
    )


def is_signed_in(principal: Any) -> bool:
    return bool(getattr(principal, "is_authenticated", False) and getattr(principal, "is_active", False))


def towns_visible_to(user: Any) -> QuerySet[Town]:
    """A town user sees their town; a county viewer the county's towns; the platform's administrators (system
    and security, without a town) and the worker every town; anyone else none."""
    from .models import Town  # core's models build their managers on core.scopes, which asks this module

    if not is_signed_in(user):
        return Town.objects.none()
    if user.town_id is not None:
        return Town.objects.filter(pk=user.town_id)
    if can(user, Capability.VIEW_COUNTY) and getattr(user, "county_id", None) is not None:
        towns = Town.objects.filter(county_id=user.county_id)
        # One town of the county opened from the county's table (lianxin/accounts/middleware.py): every
        # scope reads that town alone until the viewer goes back to the county.
        focus = getattr(user, "focus_town_id", None)
        return towns.filter(pk=focus) if focus is not None else towns
    # The security administrator grants roles in every town (accounts only: it reads no case or reference).
    if getattr(user, "is_superuser", False) or any(
        can(user, c) for c in (Capability.READ_ALL_TOWNS, Capability.GRANT_ROLES)
    ):
        return Town.objects.all()
    return Town.objects.none()
