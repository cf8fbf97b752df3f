from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "lianxin.portal"
    label = "portal"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from lianxin.core.kit import kit

        from . import links

        # The citizen's page of a demand: what every notice to a citizen links to, whichever app sends it.
        kit(self.label).add("links", links.DEMAND)
