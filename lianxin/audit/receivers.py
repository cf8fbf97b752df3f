"""Where the audit trail's entries come from: sign-ins, every workflow's events, and the admin's log.

Reveals call ``lianxin.audit.record`` where they happen; account changes, second factors and exports are
told by their apps' signals (accounts and exports sit below the audit trail and never import it).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lianxin.accounts import signals as accounts_signals
from lianxin.accounts.roles import Capability, capabilities_of
from lianxin.core import events
from lianxin.exports import signals as exports_signals

from . import record
from .models import Kind


@receiver(user_logged_in, dispatch_uid="lianxin-audit-login")
def _signed_in(sender: Any, request: Any, user: Any, **_: Any) -> None:

    by_phone = Capability.SIGN_IN_BY_PHONE in capabilities_of(getattr(user, "role", ""))
    record(Kind.SIGN_IN, request=request, user=user, action="sms" if by_phone else "password")


@receiver(user_login_failed, dispatch_uid="lianxin-audit-login-failed")
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    # Django has already replaced the password (and anything like it) with stars.
    username = str(credentials.get("username", "") or "")
    record(
        Kind.SIGN_IN_FAILED, request=request, user=None, user_text=username, details={"username": username}
    )


@receiver(user_logged_out, dispatch_uid="lianxin-audit-logout")
def _signed_out(sender: Any, request: Any, user: Any, **_: Any) -> None:
    if user is not None:
        record(Kind.SIGN_OUT, request=request, user=user)


@receiver(accounts_signals.account_changed, dispatch_uid="lianxin-audit-account-changed")
def _account_changed(sender: Any, row: Any, **_: Any) -> None:
    record(
        Kind.ACCOUNT,
        user=row.actor,
        obj=row.user,
        label=row.username,
        action=row.field,
        town=getattr(row.user, "town_id", None),
        details={"before": row.before, "after": row.after},
    )


@receiver(accounts_signals.second_factor_enrolled, dispatch_uid="lianxin-audit-totp-enrolled")
def _second_factor_enrolled(sender: Any, request: Any, user: Any, **_: Any) -> None:
    record(Kind.ACCOUNT, request=request, obj=user, label=user.get_username(), action="totp_enrolled")


@receiver(accounts_signals.second_factor_refused, dispatch_uid="lianxin-audit-totp-refused")
def _second_factor_refused(sender: Any, request: Any, **_: Any) -> None:
    record(Kind.SIGN_IN_FAILED, request=request, action="totp")


@receiver(exports_signals.exported, dispatch_uid="lianxin-audit-exported")
def _exported(sender: Any, request: Any, object_type: str, action: str, details: Any, **_: Any) -> None:
    record(Kind.EXPORT, request=request, object_type=object_type, action=action, details=details)


@events.subscribe(events.ALL, phase=events.TRANSACTION)
def _transition(event: events.DomainEvent) -> None:
    """Every event of every workflow, present and future: written in the change's own transaction, so an
    entry exists if and only if the change does."""
    subject = event.subject
    record(
        Kind.TRANSITION,
        user=event.actor,
        user_text="" if event.actor is not None else "worker",
        obj=subject,
        action=f"{subject._meta.app_label}.{event.kind.value}",
        at=event.at,
        details={"before": event.before, "after": event.after, "event": str(event.kind.label)},
    )


def admin_logged(entries: Any) -> None:
    """One entry per row of the admin's own log (additions, changes, deletions)."""
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION

    flags = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}
    for entry in entries if isinstance(entries, list) else [entries]:
        content_type = entry.content_type
        record(
            Kind.ADMIN,
            user=entry.user,
            object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
            object_id=entry.object_id or "",
            label=f"{content_type.name if content_type else ''} #{entry.object_id}",
            action=flags.get(entry.action_flag, str(entry.action_flag)),
            at=entry.action_time,
            details={"change": entry.get_change_message()},
        )


def wrap_admin_log() -> None:
    """The admin writes its log through ``LogEntryManager.log_actions`` (a bulk insert for several rows,
    which sends no ``post_save``): each call is followed by the audit entries of what it wrote."""
    from django.contrib.admin.models import LogEntryManager

    original = LogEntryManager.log_actions
    if getattr(original, "_lianxin_audit", False):
        return

    def log_actions(self: Any, *args: Any, **kwargs: Any) -> Any:
        written = original(self, *args, **kwargs)
        admin_logged(written)
        return written

    log_actions._lianxin_audit = True  # type: ignore[attr-defined]
    LogEntryManager.log_actions = log_actions  # type: ignore[method-assign]
