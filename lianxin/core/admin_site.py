"""The admin site of Lianxin: every model admin registered on it, ours or a library's, refuses list
filters on protected fields (phones, e-mail, ID numbers, encrypted fields, secrets and their hashes).

A filter is an oracle: ``?phone__startswith=188`` answers with one row or none, and enough such questions
read the whole number even where the field itself is never shown. Django asks ``lookup_allowed`` for each
filter in the query string; ``ProtectedLookups`` answers no (a 400) whenever the lookup's path touches a
protected field, for every user, superusers included.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from .fields import EncryptedTextField

# Personal data and secrets that no list may be filtered on (encrypted fields are protected by their type).
PROTECTED_NAMES = frozenset(
    {
        "password",
        "phone",
        "email",
        "requester_name",
        "requester_phone",
        "requester_phone_hash",
        "requester_id_number",
        "phone_hash",
        "code_hash",
        "key_hash",
        "secret",
    }
)


def is_protected(field: Any) -> bool:
    return getattr(field, "name", None) in PROTECTED_NAMES or isinstance(field, EncryptedTextField)


def touches_protected(model: Any, lookup: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether any field along ``lookup`` (``user__phone__startswith``) is protected. Walking stops at the
    first part that is not a field: the rest are lookups and transforms."""
    for part in lookup.split(LOOKUP_SEP):
        if model is None:
            return False
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if is_protected(field) or part in extra:
            return True
        extra = ()  # an admin's own personal_fields name fields of its model only
        model = field.related_model if field.is_relation else None
    return False


class ProtectedLookups(admin.ModelAdmin):
    """Refuses a list filter whose path reaches a protected field (or one of the admin's ``personal_fields``)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        personal = tuple(getattr(self, "personal_fields", ()))
        if touches_protected(self.model, lookup, personal):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[arg-type]


class AdminSite(admin.AdminSite):
    """Django's site, with the guard mixed into each model admin as it is registered."""

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ProtectedLookups):
            admin_class = type(
                admin_class.__name__,
                (ProtectedLookups, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with Lianxin's site as the default ``admin.site``."""

    default_site = "lianxin.core.admin_site.AdminSite"
