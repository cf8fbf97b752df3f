"""Tenancy: County → Town. Every town-owned row carries its town (see ``TownOwned``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import limits
from .clock import now
from .fields import BoundedTextField
from .scopes import TownManager


class County(models.Model):
    """A county: holds many towns; a county viewer reads across them."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """A town (镇): the tenant. Its code is the key a province shards by."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="towns"
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    tracking_prefix = models.CharField(
        _("tracking code letters"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. CG for 城关."))],
        help_text=_("The two letters that begin the town's tracking codes, e.g. CG for 城关."),
    )
    centre_lat = models.FloatField(_("centre latitude"))
    centre_lng = models.FloatField(_("centre longitude"))

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="town_name_unique_in_county"),
            models.CheckConstraint(
                condition=models.Q(
                    centre_lat__gte=-90, centre_lat__lte=90, centre_lng__gte=-180, centre_lng__lte=180
                ),
                name="town_centre_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def english_name_field() -> models.CharField:
    """``name_en``: the English name of a piece of reference data, shown when the page is in English."""
    return models.CharField(
        _("English name"), max_length=80, blank=True, help_text=_("Shown when the page is in English.")
    )


def localized(name: str, name_en: str) -> str:
    """The English name when the active language is English and one is given, else the Chinese one."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


class TownOwned(models.Model):
    """Base for every row that belongs to one town; read it through ``objects.restrict(principal)``."""

    town = models.ForeignKey(Town, verbose_name=_("town"), on_delete=models.PROTECT, related_name="+")

    objects = TownManager()

    class Meta:
        abstract = True


class EventDataEncoder(DjangoJSONEncoder):
    """Stores a published event's ``data``. Publishers hand readers model instances (the department a
    demand went to) and collections of them; the row keeps their primary keys, so it stays readable after
    the instance is gone and a rebuild can find the same rows again."""

    def default(self, o: Any) -> Any:
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, models.QuerySet):
            return [getattr(x, "pk", x) for x in o]
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        return super().default(o)


class EventRow(TownOwned):
    """One event of a workflow, append-only: its kind, the statuses around it, who, when, the note and the
    published event's ``data``. Each workflow's event table derives from it and adds the foreign key to its
    subject and its kinds (``action = EventRow.kind_field(Kinds)``, ``EventRow.kind_check(Kinds, name)``)."""

    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = BoundedTextField(_("note"), blank=True, max_length=limits.TEXT)
    at = models.DateTimeField(_("at"), default=now, db_index=True)
    # What the publisher told the readers (deputies who took part, the department…), so a reader can be
    # replayed from the table (the duty record's rebuild) without the service that wrote it.
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=EventDataEncoder)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    # The ``data`` of a row written without publishing its event (an old ledger's import): no reader heard
    # it, so a replay of the table (the duty record's rebuild) skips it too.
    UNPUBLISHED = "published"

    @property
    def published(self) -> bool:
        return (self.data or {}).get(self.UNPUBLISHED, True) is not False

    @staticmethod
    def kind_field(*kinds: type[models.TextChoices]) -> models.CharField:
        """The ``action`` column of a table whose kinds are ``kinds`` (one table may hold the kinds of
        several workflows, as the duty app's shifts, visits and activities); the stored value is the kind's."""
        return models.CharField(_("action"), max_length=24, choices=[c for k in kinds for c in k.choices])

    @classmethod
    def meta(
        cls,
        *kinds: type[models.TextChoices],
        verbose: Any,
        plural: Any,
        check: str,
        constraints: tuple[models.BaseConstraint, ...] = (),
    ) -> Any:
        """An event table's ``Meta``: its names and the check that the database refuses an undeclared kind
        (``Meta = EventRow.meta(Kinds, verbose=…, plural=…, check="<table>_kind_valid")``)."""
        return type(
            "Meta",
            (cls.Meta,),
            {
                "verbose_name": verbose,
                "verbose_name_plural": plural,
                "constraints": [cls.kind_check(*kinds, name=check), *constraints],
            },
        )

    @staticmethod
    def kind_check(*kinds: type[models.TextChoices], name: str) -> models.CheckConstraint:
        """The database refuses a kind the table does not declare."""
        return models.CheckConstraint(condition=Q(action__in=[v for k in kinds for v in k.values]), name=name)


class CalendarDay(models.Model):
    """A correction to the working-day calendar: a holiday, or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
