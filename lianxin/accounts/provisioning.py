"""What a new account gets from its role: staff access to the admin and the role's group of permissions.

A real install has these groups as soon as the first account of each role is made (the demo makes its
accounts the same way). The groups are kept equal to the table below each time an account joins one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .roles import Role

REFERENCE_DATA = (
    Q(content_type__app_label__in=["territory", "people"])
    | Q(content_type__app_label="demands", content_type__model="category")
    | Q(content_type__app_label="core", content_type__model__in=["calendarday", "town", "county"])
)
# What each role's admin group may do there (三员分立: accounts / security / audit, none reads case files).
ADMIN_GROUPS: dict[str, tuple[str, Q]] = {
    Role.PRESIDIUM: (
        "镇人大办",
        REFERENCE_DATA
        | Q(content_type__app_label="demands", content_type__model__in=["demand", "assignment", "extension"])
        | Q(content_type__app_label="board")
        | Q(content_type__app_label="notify", content_type__model="outboxmessage")
        # numbers that asked for no texts: read, and deleted when the person asks to be texted again
        | Q(content_type__app_label="notify", codename__in=["view_smsoptout", "delete_smsoptout"]),
    ),
    # Accounts are the system administrator's; grants (privileged roles, staff access, groups, permissions)
    # the security administrator's (lianxin/accounts/grants.py); the record of both the auditor's.
    Role.SYSTEM_ADMIN: (
        "系统管理员",
        REFERENCE_DATA
        | Q(content_type__app_label="accounts", content_type__model="user")
        | Q(content_type__app_label="auth", content_type__model="group", codename__startswith="view_")
        | Q(content_type__app_label="api")
        | Q(content_type__app_label="notify", content_type__model="robotgroup"),  # WeCom/DingTalk robots
    ),
    Role.SECURITY_ADMIN: (
        "安全管理员",
        Q(content_type__app_label="axes")
        | Q(content_type__app_label="otp_totp")
        | Q(
            content_type__app_label="accounts",
            content_type__model="user",
            codename__in=["view_user", "change_user"],
        )
        | Q(content_type__app_label="auth", content_type__model="group"),
    ),
    Role.AUDIT_ADMIN: (
        "审计管理员",
        Q(codename__startswith="view_")
        & (
            Q(content_type__app_label__in=["admin", "audit"])
            | Q(content_type__model__startswith="historical")
            | Q(content_type__app_label="accounts", content_type__model="accountchange")
        ),
    ),
}
# The roles that work in the admin.
STAFF_ROLES = frozenset(ADMIN_GROUPS)


def role_group(role: str) -> Group | None:
    """The role's group, made (or brought up to date with the table) on the way."""
    if role not in ADMIN_GROUPS:
        return None
    name, which = ADMIN_GROUPS[role]
    group, _ = Group.objects.get_or_create(name=name)
    perms = Permission.objects.filter(which)
    if set(group.permissions.values_list("pk", flat=True)) != set(perms.values_list("pk", flat=True)):
        group.permissions.set(perms)
    return group


def provision(user: User) -> None:
    """Give ``user`` what its role brings: staff access and the role's group."""
    if user.role not in STAFF_ROLES:
        return
    if not user.is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    group = role_group(user.role)
    if group is not None and not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)


@receiver(post_save, sender=User, dispatch_uid="lianxin-provision-new-account")
def _new_account(sender: Any, instance: User, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        provision(instance)
