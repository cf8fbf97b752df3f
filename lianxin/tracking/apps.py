from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "lianxin.tracking"
    label = "tracking"
    verbose_name = _("Tracked items (督办)")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town
        from lianxin.core.kit import kit

        from . import models as m

        same_town(m.TrackedItem, "department", "owner", "supervisor")
        same_town(m.TrackedItemEvent, "item")

        # The scopes, the move table (which registers the moves' permissions) and the notice table.
        from . import notices, scopes, workflow  # noqa: F401
        from .services import TRACKED_ITEM_DEADLINES

        # The items' deadlines, which the one sweep (core.sweep, every minute) recolours.
        kit(self.label).add("lights", TRACKED_ITEM_DEADLINES)

        kit(self.label).add("notices", notices.TABLE)
        from . import desk

        kit(self.label).add("desk", desk.desk)  # its lines on the presidium's desk (portal home)

        # Its kinds that name deputies, for the duty app's start-up check (see duty/checks.py).
        from .events import NAMES_DEPUTIES

        kit(self.label).add("deputy_kinds", *NAMES_DEPUTIES)
