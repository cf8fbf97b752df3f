from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lianxin.people"
    label = "people"
    verbose_name = _("Deputies, observers and departments")

    def ready(self) -> None:
        from lianxin.core.integrity import same_town

        from . import models as m

        same_town(m.Deputy, "user")
        same_town(m.DeputyCell, "deputy", "cell")
        same_town(m.StationDuty, "deputy", "station")
        same_town(m.Observer, "deputy", "cell", "user")
        same_town(m.Agent, "station", "user")
        same_town(m.DepartmentStaff, "department", "user")

        from . import scopes  # noqa: F401  (registers who reads what)
