"""Smart intake: the town's trained model, its place aliases, and what people decided on a suggestion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.clock import now
from lianxin.core.models import TownOwned
from lianxin.demands.models import Category, Demand
from lianxin.people.models import Department
from lianxin.territory.models import GridCell


class Method(models.TextChoices):
    MODEL = "model", _("trained model")
    RULES = "rules", _("keyword rules")


class IntakeModel(TownOwned):
    """One trained version of a town's classifier: its metrics and the pickled pipeline (joblib), sealed
    with an HMAC whose key is not in the database (``sealing.py``)."""

    version = models.PositiveIntegerField(_("version"))
    trained_at = models.DateTimeField(_("trained at"), default=now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shipped_examples = models.PositiveIntegerField(_("shipped examples"), default=0)
    town_examples = models.PositiveIntegerField(_("the town's decisions"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    pipeline = models.BinaryField(_("pipeline"), editable=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("intake model")
        verbose_name_plural = _("intake models")
        ordering = ["town", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["town", "version"], name="intake_model_version_once"),
            models.UniqueConstraint(
                fields=["town"], condition=Q(active=True), name="intake_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class PlaceAlias(TownOwned):
    """Another name people use for a cell: a landmark, a short name, an old name (e.g. 城关一小 → 育才社区)."""

    cell = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), on_delete=models.CASCADE, related_name="+"
    )
    alias = models.CharField(_("alias"), max_length=40)

    class Meta:
        verbose_name = _("place alias")
        verbose_name_plural = _("place aliases")
        ordering = ["town", "alias"]
        constraints = [models.UniqueConstraint(fields=["town", "alias"], name="place_alias_once_in_town")]

    def __str__(self) -> str:
        return self.alias


class IntakeDecision(TownOwned):
    """What was suggested for a demand and what a person chose: an example for the next training."""

    demand = models.OneToOneField(Demand, on_delete=models.CASCADE, related_name="intake_decision")
    text = models.TextField(_("text"))
    method = models.CharField(_("method"), max_length=6, choices=Method.choices)
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    suggested_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category_confidence = models.FloatField(_("category confidence"), default=0)
    category = models.ForeignKey(
        Category, verbose_name=_("category chosen"), on_delete=models.CASCADE, related_name="+"
    )
    suggested_department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department_confidence = models.FloatField(_("department confidence"), default=0)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department chosen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=now)

    class Meta:
        verbose_name = _("intake decision")
        verbose_name_plural = _("intake decisions")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=Method.values), name="intake_decision_method_valid")
        ]

    @property
    def category_accepted(self) -> bool:
        return self.suggested_category_id == self.category_id
