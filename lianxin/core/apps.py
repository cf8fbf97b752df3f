from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lianxin.core"
    label = "core"
    verbose_name = _("Towns and counties")

    def ready(self) -> None:
        from . import integrity

        # Triggers are (re)installed after every migrate: SQLite drops them when Django rebuilds a table.
        post_migrate.connect(integrity.install_same_town_triggers, dispatch_uid="lianxin-same-town")
