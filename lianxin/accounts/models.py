"""User accounts: one role and the town (or county) the role is exercised in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.fields import EncryptedPhoneField, lookup_hash
from lianxin.core.models import County, Town
from lianxin.core.validators import validate_person_name

from .roles import TOWN_ROLES, Role, capabilities_of


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # A superuser is the platform's system administrator: no town, so no town role.
        extra.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra)

    def create_system_account(self, *, username: str, display_name: str, town: Town) -> User:
        """The account an API key acts through: the system role, and a password nobody can use."""
        user = self.model(username=username, display_name=display_name, town=town, role=Role.SYSTEM)
        user.set_unusable_password()
        user.save()
        return user


class User(AbstractUser):
    """A person who signs in. ``town`` is the tenant their role works in."""

    objects = UserManager()  # type: ignore[misc]

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    town = models.ForeignKey(
        Town, verbose_name=_("town"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    display_name = models.CharField(
        _("display name"), max_length=50, blank=True, validators=[validate_person_name]
    )
    # Encrypted at rest (PIPL); found by its keyed hash (the SMS sign-in looks the citizen up by phone).
    phone = EncryptedPhoneField(_("mobile phone"), blank=True, max_length=limits.PHONE)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The language notices reach this person in; blank means the town's (settings.LANGUAGE_CODE).
    language = models.CharField(
        _("language of notices"), max_length=10, blank=True, choices=settings.LANGUAGES, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            # A town role needs its town; a county viewer needs a county; an administrator may be either.
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in TOWN_ROLES)) | Q(town__isnull=False),
                name="user_town_role_has_town",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY_VIEWER) | Q(county__isnull=False),
                name="user_county_viewer_has_county",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_hash = lookup_hash(self.phone) if (self.phone or "").strip() else ""
        fields = kwargs.get("update_fields")
        if fields is not None and "phone" in fields:
            kwargs["update_fields"] = {*fields, "phone_hash"}
        super().save(*args, **kwargs)

    def can(self, capability: str) -> bool:
        return self.is_active and capability in capabilities_of(self.role)


class LoginCode(models.Model):
    """A one-time SMS sign-in code for a citizen: stored only as a keyed hash, short-lived, few tries."""

    town = models.ForeignKey(Town, verbose_name=_("town"), on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["town", "phone_hash", "created_at"], name="login_code_lookup")]

    def __str__(self) -> str:
        return f"{self.town_id}:{self.phone_hash[:8]}"


class AccountChange(models.Model):
    """One change to what an account may do (role, town, staff access, groups, permissions, password),
    written by the admin for the audit administrator; never edited."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(_("changed by (name)"), max_length=150)
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.SET_NULL, null=True, related_name="account_changes"
    )
    username = models.CharField(_("account (name)"), max_length=150)
    field = models.CharField(_("what"), max_length=30)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.username}: {self.field}"
