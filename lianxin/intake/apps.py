from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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

        from . import scopes, subscribers  # noqa: F401
