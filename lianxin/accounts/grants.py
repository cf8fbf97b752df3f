"""Who may grant what to which account (三员分立), and the record of every such change.

The system administrator manages accounts: names, activation, and the roles that read nothing but the
holder's own demands (citizen, observer, agent). A role that reads case files or personal data, or that
administers others (``roles.is_privileged``), staff access, groups and permissions are granted by the
security administrator; an account that holds such a role is changed by them too. Nobody changes their own
grants, and superuser status is never granted through the pages (only ``createsuperuser`` makes one). Each
change is written as an ``AccountChange`` for the audit administrator.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import signals
from .models import AccountChange, User
from .roles import Capability, is_privileged

# What an account may do; the admin shows these read-only to whoever may not change them.
GRANT_FIELDS = ("role", "town", "county", "is_staff", "is_superuser", "groups", "user_permissions")
STAFF_GRANTS = ("is_staff", "groups", "user_permissions")
PLACE = ("role", "town", "county")
RECORDED = (*GRANT_FIELDS, "is_active")
SCALARS = ("role", "town", "county", "is_staff", "is_superuser", "is_active")


def _scalars(user: Any) -> dict[str, str]:
    return {f: str(getattr(user, f"{f}_id" if f in ("town", "county") else f) or "") for f in SCALARS}


def _names(groups: Any, permissions: Any) -> dict[str, str]:
    return {
        "groups": ", ".join(sorted(g.name for g in groups)),
        "user_permissions": ", ".join(
            sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
        ),
    }


def may_grant(actor: Any) -> bool:
    return bool(actor.is_superuser or actor.can(Capability.GRANT_ROLES))


def holds_privilege(user: Any) -> bool:
    return bool(user.is_superuser or user.is_staff or is_privileged(user.role))


def may_set_password(actor: Any, target: Any) -> bool:
    """A privileged account's password is reset by the security administrator: a new password is the account."""
    if actor.pk == target.pk or may_grant(actor):
        return True
    return actor.can(Capability.MANAGE_ACCOUNTS) and not holds_privilege(target)


def locked_fields(actor: Any, target: Any | None) -> set[str]:
    """Grant fields ``actor`` may not change on ``target`` (None: a new account)."""
    locked = {"is_superuser"}
    if target is not None and target.pk == actor.pk and not actor.is_superuser:
        return locked | set(GRANT_FIELDS)
    if not may_grant(actor):
        locked |= set(STAFF_GRANTS)
        if target is not None and holds_privilege(target):
            locked |= set(PLACE)
    return locked


def grantable_roles(actor: Any, roles: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return roles if may_grant(actor) else [(v, label) for v, label in roles if v and not is_privileged(v)]


def snapshot(user: Any) -> dict[str, str]:
    """The recorded fields of an account as text (groups and permissions as sorted names)."""
    if user is None or user.pk is None:
        return {}
    permissions = user.user_permissions.select_related("content_type")
    return {**_scalars(user), **_names(user.groups.all(), permissions)}


def snapshot_of_form(user: Any, form: Any) -> dict[str, str]:
    """The recorded fields as the form is about to save them (groups and permissions from the form)."""
    data = getattr(form, "cleaned_data", {})
    names = _names(data.get("groups", ()), data.get("user_permissions", ()))
    return _scalars(user) | {k: v for k, v in names.items() if k in data}


def grant_problems(*, actor: Any, before: dict[str, str], after: dict[str, str], target: Any) -> list[str]:
    """Why this change may not be made by ``actor`` (empty: it may)."""
    changed = {f for f in GRANT_FIELDS if before.get(f, "") != after.get(f, "")}
    if not before:  # a new account: what it starts with counts as granted
        changed = {f for f in GRANT_FIELDS if after.get(f, "") not in ("", "False")}
    problems = []
    if "is_superuser" in changed:
        problems.append(_("Superuser status is not granted here."))
    if changed and target.pk is not None and target.pk == actor.pk and not actor.is_superuser:
        problems.append(_("Nobody changes their own role, town or permissions."))
    if not may_grant(actor):
        privileged = is_privileged(after.get("role", "")) or is_privileged(before.get("role", ""))
        privileged = privileged or before.get("is_staff") == "True"
        if changed & set(STAFF_GRANTS) or (changed & set(PLACE) and privileged):
            problems.append(
                _(
                    "Only the security administrator grants a role that reads case files or personal data, "
                    "staff access, groups or permissions."
                )
            )
    return problems


@transaction.atomic
def account_changes_record(
    *, actor: Any, user: User, before: dict[str, str], after: dict[str, str]
) -> list[AccountChange]:
    """Write one ``AccountChange`` per field that differs."""
    rows = [
        AccountChange(
            actor=actor,
            actor_name=actor.get_username(),
            user=user,
            username=user.get_username(),
            field=field,
            before=before.get(field, ""),
            after=after.get(field, ""),
        )
        for field in RECORDED
        if before.get(field, "") != after.get(field, "")
    ]
    rows = AccountChange.objects.bulk_create(rows)
    for row in rows:
        _audit(row)
    return rows


def _audit(row: AccountChange) -> None:
    # The audit trail subscribes (audit/receivers.py): accounts sits below it and never calls it.
    signals.account_changed.send(sender=AccountChange, row=row)


def password_set_record(*, actor: Any, user: User) -> AccountChange:
    row = AccountChange.objects.create(
        actor=actor,
        actor_name=actor.get_username(),
        user=user,
        username=user.get_username(),
        field="password",
        after="set",
    )
    _audit(row)
    return row
