"""The grid (网格) and the places (阵地) where deputies meet people."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lianxin.core.models import TownOwned, english_name_field, localized


class CellKind(models.TextChoices):
    VILLAGE = "village", _("village")
    COMMUNITY = "community", _("community")


class GridCell(TownOwned):
    """A village or community of the town, with its boundary as a GeoJSON polygon."""

    name = models.CharField(_("name"), max_length=50)
    name_en = english_name_field()
    kind = models.CharField(_("kind"), max_length=12, choices=CellKind.choices)
    code = models.CharField(_("code"), max_length=20)
    boundary = models.JSONField(_("boundary (GeoJSON)"), default=dict, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["town", "code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="cell_name_unique_in_town"),
            models.UniqueConstraint(fields=["town", "code"], name="cell_code_unique_in_town"),
            models.CheckConstraint(condition=Q(kind__in=CellKind.values), name="cell_kind_valid"),
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class StationKind(models.TextChoices):
    PARTY_SERVICE_CENTRE = "party_service_centre", _("party-mass service centre")
    COMMUNITY_SERVICE_CENTRE = "community_service_centre", _("community service centre")
    INDUSTRY = "industry", _("industry liaison station")
    COLLECTION_POINT = "collection_point", _("collection point")
    MEDIATION = "mediation", _("mediation station")


CENTRE_KINDS = (StationKind.PARTY_SERVICE_CENTRE, StationKind.COMMUNITY_SERVICE_CENTRE)


class Station(TownOwned):
    """A deputy liaison station or one of its "N" extensions."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=30, choices=StationKind.choices)
    cell = models.ForeignKey(
        GridCell,
        verbose_name=_("grid cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations",
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["town", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="station_name_unique_in_town"),
            models.CheckConstraint(condition=Q(kind__in=StationKind.values), name="station_kind_valid"),
            # A centre is the window of one village or community, so it must name its cell.
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in CENTRE_KINDS]) | Q(cell__isnull=False),
                name="station_centre_has_cell",
            ),
        ]
        indexes = [models.Index(fields=["town", "kind"], name="station_town_kind")]

    def __str__(self) -> str:
        return self.name


class BaseLayer(TownOwned):
    """The town's own base map for when no tile server is configured: its roads, rivers and landmarks as a
    GeoJSON FeatureCollection the office uploads (checked by ``territory.basemap.parse``), drawn under
    the cells. One per town; a new upload replaces it."""

    features = models.JSONField(_("features (GeoJSON)"), default=dict)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("base map")
        verbose_name_plural = _("base maps")
        constraints = [models.UniqueConstraint(fields=["town"], name="base_layer_one_per_town")]

    def __str__(self) -> str:
        return self.filename or str(_("base map"))
