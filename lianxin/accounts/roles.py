"""The roles of Lianxin and what each may do.

One table, read by permission predicates, tests and the admin. A capability is a short verb phrase;
apps check capabilities, never role names, so a new role is one line here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.access import Capability as Capability


class Role(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    OBSERVER = "observer", _("observer")
    AGENT = "agent", _("agent")
    DEPUTY = "deputy", _("deputy")
    DEPARTMENT = "department", _("department staff")
    MEDIATOR = "mediator", _("mediator")
    PRESIDIUM = "presidium", _("presidium staff")
    COUNTY_VIEWER = "county_viewer", _("county viewer")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")
    # Not a person: the account an API key acts through (the 12345 hotline, a back office).
    SYSTEM = "system", _("system (API key)")


# The capabilities are declared in core (core/access.py), so core asks them without importing this app.

C = Capability
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CITIZEN: frozenset({C.SUBMIT_DEMAND, C.READ_OWN_CASES, C.SIGN_IN_BY_PHONE}),
    Role.OBSERVER: frozenset({C.SUBMIT_DEMAND, C.REPORT_OBSERVATION, C.READ_OWN_CASES}),
    Role.AGENT: frozenset({C.SUBMIT_DEMAND, C.RECORD_FOR_OTHERS, C.READ_OWN_CASES}),
    Role.DEPUTY: frozenset(
        {
            C.VIEW_TOWN,
            C.SUBMIT_DEMAND,
            C.RECORD_FOR_OTHERS,
            C.CLAIM_DEMAND,
            C.ASSIGN_DEMAND,
            C.READ_CELL_CASES,
            C.KEEP_DUTY,
            C.ACT_AS_DEPUTY,
        }
    ),
    Role.DEPARTMENT: frozenset({C.VIEW_TOWN, C.HANDLE_ASSIGNMENT, C.READ_ASSIGNED_CASES}),
    # A mediator reads the demands they recorded; the disputes they mediate come with the dispute ledger.
    Role.MEDIATOR: frozenset({C.VIEW_TOWN, C.MEDIATE, C.RECORD_FOR_OTHERS, C.READ_OWN_CASES}),
    Role.PRESIDIUM: frozenset(
        {
            C.VIEW_TOWN,
            C.RECORD_FOR_OTHERS,
            C.ASSIGN_DEMAND,
            C.SUPERVISE,
            C.MANAGE_REFERENCE,
            C.VIEW_PERSONAL_DATA,
            C.READ_TOWN_CASES,
            C.MANAGE_DUTY,
            C.VIEW_INSIGHT,
            C.ACT_ON_INSIGHT,
        }
    ),
    Role.COUNTY_VIEWER: frozenset({C.VIEW_TOWN, C.VIEW_COUNTY, C.READ_TOWN_CASES, C.VIEW_INSIGHT}),
    # 三员分立: the three administrators split system, security and audit duties; none reads case files.
    Role.SYSTEM_ADMIN: frozenset({C.MANAGE_ACCOUNTS, C.MANAGE_REFERENCE, C.READ_ALL_TOWNS}),
    Role.SECURITY_ADMIN: frozenset({C.MANAGE_SECURITY, C.GRANT_ROLES}),
    Role.AUDIT_ADMIN: frozenset({C.READ_AUDIT}),
    # An API key records demands and reads its town's (personal data masked); it evaluates, on the caller's
    # behalf, only what it recorded itself (the hotline's call-back, 回访). It never claims or handles.
    Role.SYSTEM: frozenset({C.SUBMIT_DEMAND, C.RECORD_FOR_OTHERS, C.READ_TOWN_CASES, C.EVALUATE_FOR_CALLER}),
}

# The worker's own jobs (the deadline sweep): every town, every case, no person behind them.
WORKER_CAPABILITIES = frozenset({C.READ_ALL_TOWNS, C.READ_TOWN_CASES})

# Roles whose work is one town; the others are scoped to a county (county viewer) or may be platform-wide.
TOWN_ROLES = frozenset(
    {
        Role.CITIZEN,
        Role.OBSERVER,
        Role.AGENT,
        Role.DEPUTY,
        Role.DEPARTMENT,
        Role.MEDIATOR,
        Role.PRESIDIUM,
        Role.SYSTEM,
    }
)
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that must give a second factor (TOTP) after their password when OTP_REQUIRED is on (the default).
SECOND_FACTOR_ROLES = frozenset({*ADMIN_ROLES, Role.PRESIDIUM})
# The roles a person signs in with (the system role belongs to API keys' accounts only).
PERSON_ROLES = frozenset(Role) - {Role.SYSTEM}


def capabilities_of(role: str) -> frozenset[str]:
    return CAPABILITIES.get(role, frozenset())


def roles_with(capability: str) -> list[str]:
    """The roles that have ``capability``: how a notice finds "the presidium" without naming it."""
    return sorted(role for role, caps in CAPABILITIES.items() if capability in caps)


# A role holding any of these reads case files or personal data, or administers other accounts: granting it
# (or changing the account of someone who holds it) is the security administrator's, never the system
# administrator's (三员分立; lianxin/accounts/grants.py).
PRIVILEGED_CAPABILITIES = frozenset(
    {
        C.VIEW_TOWN,
        C.VIEW_COUNTY,
        C.CLAIM_DEMAND,
        C.HANDLE_ASSIGNMENT,
        C.MEDIATE,
        C.SUPERVISE,
        C.VIEW_PERSONAL_DATA,
        C.MANAGE_ACCOUNTS,
        C.MANAGE_SECURITY,
        C.READ_AUDIT,
        C.GRANT_ROLES,
        C.READ_TOWN_CASES,
        C.READ_CELL_CASES,
        C.READ_ASSIGNED_CASES,
        C.READ_ALL_TOWNS,
        C.VIEW_INSIGHT,
        C.ACT_ON_INSIGHT,
    }
)


def is_privileged(role: str) -> bool:
    return bool(capabilities_of(role) & PRIVILEGED_CAPABILITIES)
