"""Every free text the project takes has a maximum: each model's text columns, each form's and each API
serializer's text inputs. A new field without one fails here, named."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django import forms
from django.apps import apps
from django.db import models
from rest_framework import serializers

import lianxin

# Text columns that hold no text a person typed into this field, so no limit of core.limits applies.
NOT_FREE_TEXT = {
    "accounts.AccountChange.before",  # the audit of an account change: a field's old value, copied
    "accounts.AccountChange.after",  # … and its new value
    "api.WebhookSubscription.secret",  # a generated signing secret
    "notify.OutboxMessage.address",  # copied from the recipient's phone or the subscription's URL
    "notify.OutboxMessage.body",  # a notice rendered from a template
    "notify.OutboxMessage.last_error",  # the channel's error message
    "notify.Notification.body",  # a notice rendered from a template
    "jobs.Job.error",  # the worker's error message
    "intake.IntakeDecision.text",  # a copy of the demand's (bounded) title and description, for training
}


def _ours(model: type[models.Model]) -> bool:
    return model.__module__.startswith("lianxin.")


def test_every_text_column_of_the_project_has_a_maximum():
    unbounded = []
    for model in apps.get_models():
        if not _ours(model):
            continue
        for field in model._meta.concrete_fields:
            name = f"{model._meta.label}.{field.name}"
            if isinstance(field, models.TextField) and name not in NOT_FREE_TEXT and field.max_length is None:
                unbounded.append(name)
    assert unbounded == [], f"text fields without max_length (see lianxin/core/limits.py): {unbounded}"


def test_a_text_column_with_a_maximum_is_checked_by_the_model_too():
    from lianxin.disputes.models import Dispute

    field = Dispute._meta.get_field("description")
    assert any(getattr(v, "limit_value", None) == field.max_length for v in field.validators)


def _import_everything() -> None:
    for info in pkgutil.walk_packages(lianxin.__path__, "lianxin."):
        if ".migrations" in info.name or ".tests" in info.name or info.name.startswith("lianxin.demo"):
            continue
        importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_text_input_of_a_form_has_a_maximum():
    _import_everything()
    unbounded = []
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith("lianxin."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            # A UUID, or a code of exactly ``length`` digits (portal's DigitsField), is bounded by its format.
            fixed = isinstance(field, forms.UUIDField) or getattr(field, "length", None)
            if isinstance(field, forms.CharField) and field.max_length is None and not fixed:
                unbounded.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert sorted(unbounded) == [], f"form text fields without max_length: {sorted(unbounded)}"


def _declared(serializer: Any) -> dict[str, Any]:
    return getattr(serializer, "_declared_fields", {})


def test_every_text_input_of_the_api_has_a_maximum():
    _import_everything()
    unbounded = []
    for serializer in _subclasses(serializers.Serializer):
        # An ``…Out`` serializer only shapes answers: it never parses what a client sends.
        if not serializer.__module__.startswith("lianxin.") or serializer.__name__.endswith("Out"):
            continue
        for name, field in _declared(serializer).items():
            fields = [field, getattr(field, "child", None)]
            for f in fields:
                if isinstance(f, serializers.CharField) and not f.read_only and f.max_length is None:
                    unbounded.append(f"{serializer.__module__}.{serializer.__qualname__}.{name}")
    assert sorted(set(unbounded)) == [], f"API text inputs without max_length: {sorted(set(unbounded))}"
