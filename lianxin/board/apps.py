from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "lianxin.board"
    label = "board"
    verbose_name = _("Public board")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from .models import Publication

        same_town(Publication, "demand")

        from . import scopes, signals  # noqa: F401  (who reads what; the board's totals kept fresh)
