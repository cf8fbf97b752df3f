from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "lianxin.territory"
    label = "territory"
    verbose_name = _("Grid and stations")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from .models import GridCell, Station

        same_town(Station, "cell")

        from lianxin.core import refcache

        from . import scopes  # noqa: F401  (registers who reads what)
        from .selectors import CELLS

        refcache.watch(CELLS, GridCell)  # a changed cell makes every process's cell index stale
