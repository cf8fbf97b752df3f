"""The people of the grid: deputies, observers, agents, and the departments that handle assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lianxin.core import limits
from lianxin.core.fields import BoundedTextField, EncryptedPhoneField
from lianxin.core.models import TownOwned, english_name_field, localized
from lianxin.core.validators import validate_person_name
from lianxin.territory.models import GridCell, Station


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government", _("government department")
    # 一府一委两院: the government, the supervisory commission, the court and the procuratorate.
    SUPERVISORY = "supervisory", _("supervisory commission")
    COURT = "court", _("court")
    PROCURATORATE = "procuratorate", _("procuratorate")
    OTHER = "other", _("other body")


class Department(TownOwned):
    """A government body that handles assignments, with the duties used to match problems to it."""

    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    name_en = english_name_field()
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.GOVERNMENT
    )
    duties = BoundedTextField(_("duties"), blank=True, max_length=limits.TEXT)
    contact_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["town", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="department_name_unique_in_town"),
            models.CheckConstraint(condition=Q(kind__in=DepartmentKind.values), name="department_kind_valid"),
        ]

    def __str__(self) -> str:
        return localized(self.short_name or self.name, self.name_en)


class DepartmentStaff(TownOwned):
    """Links a department-staff account to the department it works for."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="staff"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="department_staff",
    )

    class Meta:
        verbose_name = _("department staff")
        verbose_name_plural = _("department staff")

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class DeputyLevel(models.TextChoices):
    PROVINCE = "province", _("provincial")
    CITY = "city", _("municipal")
    COUNTY = "county", _("county level")
    TOWNSHIP = "township", _("township")


class Gender(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Deputy(TownOwned):
    """A people's-congress deputy placed on the town's map, serving cells and sitting in stations."""

    name = models.CharField(_("name"), max_length=30, validators=[validate_person_name])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    level = models.CharField(_("level"), max_length=10, choices=DeputyLevel.choices)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    is_entrepreneur = models.BooleanField(_("entrepreneur deputy"), default=False)
    # personal data: encrypted at rest
    phone = EncryptedPhoneField(_("mobile phone"), blank=True, max_length=limits.PHONE)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
    )
    cells = models.ManyToManyField(
        GridCell, through="DeputyCell", related_name="deputies", verbose_name=_("cells served")
    )
    stations = models.ManyToManyField(
        Station, through="StationDuty", related_name="deputies", verbose_name=_("stations with duty")
    )
    history = HistoricalRecords(excluded_fields=["phone"])

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["town", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="deputy_name_unique_in_town"),
            models.CheckConstraint(condition=Q(level__in=DeputyLevel.values), name="deputy_level_valid"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="deputy_gender_valid"),
        ]
        indexes = [models.Index(fields=["town", "level"], name="deputy_town_level")]

    def __str__(self) -> str:
        return self.name


class DeputyCell(TownOwned):
    """A deputy serves the voters of a cell; ``voters`` is how many are linked to them there."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="cell_links"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.CASCADE, related_name="deputy_links"
    )
    voters = models.PositiveIntegerField(_("linked voters"), default=0)
    is_primary = models.BooleanField(_("responsible cell"), default=False)

    class Meta:
        verbose_name = _("cell served")
        verbose_name_plural = _("cells served")
        constraints = [models.UniqueConstraint(fields=["deputy", "cell"], name="deputy_cell_once")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.cell}"


class StationDuty(TownOwned):
    """A deputy scheduled to sit in a station (入驻代表)."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="duties"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="duties"
    )
    schedule = models.CharField(_("schedule"), max_length=60, blank=True)
    since = models.DateField(_("on duty since"))

    class Meta:
        verbose_name = _("station duty")
        verbose_name_plural = _("station duties")
        constraints = [models.UniqueConstraint(fields=["deputy", "station"], name="station_duty_once")]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.station}"


class ObserverKind(models.TextChoices):
    VILLAGE_WORK_TEAM = "village_work_team", _("village work-team member")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    PARTY_MEMBER = "party_member", _("party member")
    RESIDENTS_REPRESENTATIVE = "residents_representative", _("residents' representative")
    GRID_WORKER = "grid_worker", _("grid worker")
    LOCAL_POLICE = "local_police", _("local police officer")


class Observer(TownOwned):
    """A 民情观察员 paired (结对) with a deputy, reporting what they see in their cell."""

    name = models.CharField(_("name"), max_length=30, validators=[validate_person_name])
    kind = models.CharField(_("kind"), max_length=30, choices=ObserverKind.choices)
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("paired deputy"), on_delete=models.PROTECT, related_name="observers"
    )
    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.PROTECT, related_name="observers"
    )
    # personal data: encrypted at rest
    phone = EncryptedPhoneField(_("mobile phone"), blank=True, max_length=limits.PHONE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observer",
    )

    class Meta:
        verbose_name = _("observer")
        verbose_name_plural = _("observers")
        ordering = ["town", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="observer_name_unique_in_town"),
            models.CheckConstraint(condition=Q(kind__in=ObserverKind.values), name="observer_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Agent(TownOwned):
    """A 民情代办员: the person in charge of a collection point who records for elderly people."""

    name = models.CharField(_("name"), max_length=30, validators=[validate_person_name])
    station = models.ForeignKey(
        Station,
        verbose_name=_("collection point"),
        on_delete=models.PROTECT,
        related_name="agents",
        limit_choices_to={"kind": "collection_point"},
    )
    # personal data: encrypted at rest
    phone = EncryptedPhoneField(_("mobile phone"), blank=True, max_length=limits.PHONE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent",
    )

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="agent_name_unique_in_town")]

    def __str__(self) -> str:
        return self.name
