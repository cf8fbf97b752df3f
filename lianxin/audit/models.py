"""The audit trail: one append-only row per thing a security review asks about.

Rows are written by ``lianxin.audit.record`` and never changed: the model and its queryset refuse
``save`` of an existing row, ``update`` and ``delete``; database triggers (``lianxin/audit/triggers.py``)
refuse an UPDATE always and a DELETE of any row younger than the retention period, on SQLite and
PostgreSQL alike. Who and where are kept as text beside their ids, so a row still reads after the account
or town is gone (the ids are plain references without a database constraint, never cascaded or nulled).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.roles import Role
from lianxin.core.models import Town


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry through the application."""


class Kind(models.TextChoices):
    SIGN_IN = "sign_in", _("sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failure")
    SIGN_OUT = "sign_out", _("sign-out")
    TRANSITION = "transition", _("workflow transition")
    REVEAL = "reveal", _("reveal of personal data")
    EXPORT = "export", _("export")
    ACCOUNT = "account", _("role grant or account change")
    ADMIN = "admin", _("admin change")
    RETENTION = "retention", _("retention (personal data cleared)")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are removed only by the retention purge")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("audit entries are removed only by the retention purge")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    user_label = models.CharField(_("who"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    town = models.ForeignKey(
        Town,
        verbose_name=_("town"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    action = models.CharField(_("action"), max_length=60, blank=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=Kind.values), name="audit_kind_valid")]
        indexes = [
            models.Index(fields=["town", "at"], name="audit_town_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        # The town's time, as every field of the page shows it (TIME_ZONE), and the kind's label.
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_kind_display()} {self.user_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit entries are removed only by the retention purge")
