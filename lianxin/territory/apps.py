from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "lianxin.territory"
    label = "territory"
    verbose_name = _("Grid and stations")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from .models import Station

        same_town(Station, "cell")

        from . import scopes  # noqa: F401  (registers who reads what)
        from . import signals  # noqa: F401  (a changed cell makes the cell index stale)
