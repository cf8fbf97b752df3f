"""The public board (办结公示): a redacted copy of a demand that the presidium chooses to publish."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core import limits
from lianxin.core.clock import now
from lianxin.core.fields import BoundedTextField
from lianxin.core.models import TownOwned
from lianxin.demands.models import Demand


class Publication(TownOwned):
    """What the public may read of one demand: text the presidium redacted; no personal data at all.

    Cell, category and status are read live from the demand; the words are only those stored here.
    """

    demand = models.OneToOneField(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="publication"
    )
    title = models.CharField(_("public summary"), max_length=80)
    text = BoundedTextField(_("public text"), max_length=limits.TEXT)
    result = BoundedTextField(_("public result"), blank=True, max_length=limits.TEXT)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("edited at"), default=now)
    # The demand's recording time, copied here so that the board is read in its order from this table's
    # own index (town, published, recorded_at) instead of probing every demand of the town.
    recorded_at = models.DateTimeField(_("recorded at"), default=now)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-edited_at"]
        indexes = [
            models.Index(fields=["town", "published"], name="publication_town_published"),
            models.Index(fields=["town", "published", "-recorded_at"], name="publication_board_order"),
        ]

    def __str__(self) -> str:
        return self.title
