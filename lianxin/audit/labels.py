"""What the audit page says instead of codes: a label for every action an entry can carry, and each object by
its own label (a demand's code and title, a visit's date and deputy), read for a whole page at once.

Every ``action`` written anywhere has a label here (``tests/audit/test_audit_labels.py`` reads the code for
them): a workflow's transition is labelled from its own table (``core.workflow``), so a new workflow needs
nothing here; any other new action code needs a line in ``ACTIONS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Kind

# The actions of the kinds other than ``transition``: (kind, action) → label.
ACTIONS: dict[tuple[str, str], str | Promise] = {
    (Kind.SIGN_IN, "password"): _("with password"),
    (Kind.SIGN_IN, "sms"): _("with an SMS code"),
    (Kind.SIGN_IN_FAILED, ""): _("wrong password"),
    (Kind.SIGN_IN_FAILED, "sms"): _("wrong SMS code"),
    (Kind.SIGN_IN_FAILED, "totp"): _("wrong authenticator code"),
    (Kind.SIGN_OUT, ""): _("signed out"),
    (Kind.REVEAL, "reveal"): _("personal data shown in full"),
    (Kind.REVEAL, "phone"): _("phone number shown in full"),
    (Kind.REVEAL, "parties"): _("parties shown in full"),
    (Kind.REVEAL, "agreement_printed"): _("mediation agreement printed with the parties in full"),
    (Kind.EXPORT, "xlsx"): _("Excel export"),
    (Kind.EXPORT, "xlsx:year"): _("Excel export of a year's demands"),
    (Kind.EXPORT, "xlsx:problem"): _("Excel export of the problem list"),
    (Kind.EXPORT, "xlsx:assignment"): _("Excel export of the assignment list"),
    (Kind.EXPORT, "xlsx:completion"): _("Excel export of the completion list"),
    (Kind.EXPORT, "my_data"): _("a citizen downloaded their own data"),
    (Kind.ACCOUNT, "role"): _("role changed"),
    (Kind.ACCOUNT, "town"): _("town changed"),
    (Kind.ACCOUNT, "county"): _("county changed"),
    (Kind.ACCOUNT, "is_staff"): _("admin access changed"),
    (Kind.ACCOUNT, "is_superuser"): _("superuser status changed"),
    (Kind.ACCOUNT, "groups"): _("groups changed"),
    (Kind.ACCOUNT, "user_permissions"): _("permissions changed"),
    (Kind.ACCOUNT, "is_active"): _("account enabled or disabled"),
    (Kind.ACCOUNT, "password"): _("password set"),
    (Kind.ACCOUNT, "totp_enrolled"): _("authenticator enrolled"),
    (Kind.ADMIN, "add"): _("added in the admin"),
    (Kind.ADMIN, "change"): _("changed in the admin"),
    (Kind.ADMIN, "delete"): _("deleted in the admin"),
    (Kind.RETENTION, "anonymise"): _("personal data cleared after the retention period"),
}

# Objects whose own label would name a private person: they keep the label written with the entry.
PRIVATE = {"accounts.user", "people.observer", "people.agent", "disputes.party"}
_TEXT = ("title", "summary", "name")
_WHEN = ("done_at", "held_on", "happened_on", "on", "starts_at", "planned_for", "planned_on", "created_at")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def transition_label(object_type: str, action: str) -> str | None:
    """A workflow's event: ``<app>.<kind>`` labelled by the workflow of the entry's object."""
    from lianxin.core.workflow import _WORKFLOWS

    model = _model(object_type)
    flow = _WORKFLOWS.get(model) if model is not None else None
    value = action.split(".", 1)[-1]
    if flow is None or value not in flow.kinds.values:
        return None
    return f"{model._meta.verbose_name}：{flow.kinds(value).label}"  # type: ignore[union-attr]


def transition_actions() -> set[tuple[str, str]]:
    """Every (object type, action) a workflow's transition can write."""
    from lianxin.core.workflow import _WORKFLOWS

    return {
        (model._meta.label_lower, f"{flow.app_label}.{value}")
        for model, flow in _WORKFLOWS.items()
        for value in flow.kinds.values
    }


def action_label(kind: str, action: str, object_type: str = "") -> str | None:
    """The action's label, or None when it has none (the test fails on such a code)."""
    if kind == Kind.TRANSITION:
        return transition_label(object_type, action)
    label = ACTIONS.get((kind, action))
    return None if label is None else str(label)


def action_text(entry: Any) -> str:
    """What the page shows: the label, or the code itself when an old entry's code has no label any more."""
    return action_label(entry.kind, entry.action, entry.object_type) or entry.action


def _when(obj: models.Model) -> str:
    for name in _WHEN:
        value = getattr(obj, name, None)
        if value is None:
            continue
        if hasattr(value, "tzinfo") and hasattr(value, "hour"):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d}"
    return ""


def own_label(obj: models.Model) -> str:
    """An object's own label: its code, its title (or summary or name), and for a deputy's record the
    deputy and the date."""
    parts: list[str] = []
    code = getattr(obj, "code", "")
    if code:
        parts.append(str(code))
    else:
        deputy = getattr(obj, "deputy", None) if _has_field(obj, "deputy") else None
        parts.append(_when(obj))
        if deputy is not None:
            parts.append(str(deputy.name))
    for name in _TEXT:
        if _has_field(obj, name):
            text = getattr(obj, name, "")
            if text:
                parts.append(str(text))
                break
    label = " ".join(p for p in parts if p)
    return label[:200] if label else ""


def _has_field(obj: models.Model, name: str) -> bool:
    try:
        obj._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def resolve(entries: Iterable[Any]) -> None:
    """Set ``entry.shown_label`` on each entry: its object's own label when the object still exists, else the
    label written with the entry. One query per kind of object on the page, whatever the number of rows."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        entry.shown_label = entry.object_label
        if entry.object_type and entry.object_id and entry.object_type not in PRIVATE:
            wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None:
            continue
        try:
            keys = [model._meta.pk.to_python(i) for i in ids]
        except ValidationError:  # an id of another shape (an old entry): the written label stands
            keys = []
        if not keys:
            continue
        qs = model._base_manager.filter(pk__in=keys)
        if _has_field_model(model, "deputy"):
            qs = qs.select_related("deputy")
        for obj in qs:
            label = own_label(obj)
            if label:
                found[(object_type, str(obj.pk))] = label
    for entry in entries:
        entry.shown_label = found.get((entry.object_type, entry.object_id), entry.object_label)


def _has_field_model(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(getattr(field, "many_to_one", False))
