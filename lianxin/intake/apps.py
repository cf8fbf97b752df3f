from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from lianxin.core.kit import kit


class IntakeConfig(AppConfig):
    name = "lianxin.intake"
    label = "intake"
    verbose_name = _("Smart intake")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.PlaceAlias, "cell")
        same_town(m.IntakeDecision, "demand", "category", "suggested_category", "department")
        same_town(m.IntakeDecision, "suggested_department")

        # A changed category, department, cell, station, place alias or model makes every process's copy
        # of the town's reference data stale (``selectors.reference``).
        from lianxin.core import refcache
        from lianxin.demands.models import Category
        from lianxin.people.models import Department
        from lianxin.territory.models import GridCell, Station

        from . import scopes, subscribers  # noqa: F401
        from .selectors import REFERENCE

        refcache.watch(REFERENCE, Category, Department, GridCell, Station, m.PlaceAlias, m.IntakeModel)

        # The demand's page shows the suggestion; its forms ask the suggester (demands never imports intake).
        from . import panels

        kit(self.label).add("panels", panels.PANEL)
        kit(self.label).add("suggesters", panels.SUGGESTER)
