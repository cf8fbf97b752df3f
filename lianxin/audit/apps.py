from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lianxin.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import exports, receivers, triggers  # noqa: F401  (exports: the registered audit export)

        receivers.wrap_admin_log()
        post_migrate.connect(triggers.install, dispatch_uid="lianxin-audit-append-only")
