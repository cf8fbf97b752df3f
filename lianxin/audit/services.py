"""Writing the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .context import current_request
from .models import AuditEntry, Kind


def client_ip(request: Any) -> str | None:
    """The visitor's address as django-axes reads it (behind a proxy: the trusted header, AXES_IPWARE_*)."""
    from axes.helpers import get_client_ip_address

    try:
        return get_client_ip_address(request) or None
    except Exception:  # a malformed header must never stop the audited action
        return None


def user_label(user: Any) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    name = getattr(user, "display_name", "") or ""
    username = user.get_username()
    return f"{username} ({name})"[:200] if name and name != username else username[:200]


def object_label(obj: Any) -> str:
    """A short label that names the object without its content: the tracking code, else type and id."""
    code = getattr(obj, "code", "")
    return str(code or f"{obj._meta.verbose_name} #{obj.pk}")[:200]


def _jsonable(details: Mapping[str, Any] | None) -> dict[str, Any]:
    import json

    return dict(json.loads(json.dumps(dict(details or {}), cls=DjangoJSONEncoder, default=str)))


def record(
    kind: str,
    *,
    request: Any = None,
    user: Any = None,
    user_text: str = "",
    town: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    label: str = "",
    action: str = "",
    reason: str = "",
    details: Mapping[str, Any] | None = None,
    at: Any = None,
) -> AuditEntry:
    """Append one audit entry.

    ``kind`` is one of ``Kind`` (``audit.SIGN_IN`` … ``audit.ADMIN``); ``action`` says which (a workflow's
    event kind, ``"phone"`` for a reveal); ``obj`` fills the object's type, id, label and town; ``request``
    (default: the request being served) fills who, from where and the user agent; ``user_text`` names who
    when there is no account (a failed sign-in's username). A reveal carries its ``reason``.
    """
    kind = Kind(kind)
    request = request if request is not None else current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        label = label or object_label(obj)
    town_id = getattr(town, "pk", town)
    if town_id is None and obj is not None:
        town_id = getattr(obj, "town_id", None)
    if town_id is None and user is not None:
        town_id = getattr(user, "town_id", None)
    meta = getattr(request, "META", {}) if request is not None else {}
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        user_id=getattr(user, "pk", None),
        user_label=user_label(user) or user_text[:200],
        role=str(getattr(user, "role", "") or ""),
        town_id=town_id,
        kind=kind,
        action=str(action)[:60],
        object_type=str(object_type)[:60],
        object_id=str(object_id if object_id is not None else "")[:40],
        object_label=str(label)[:200],
        reason=str(reason)[:500],
        ip=client_ip(request) if request is not None else None,
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:300],
        details=_jsonable(details),
    )
