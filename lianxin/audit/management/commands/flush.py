"""Django's ``flush``, which on SQLite first drops the audit trail's triggers (its DELETE would be refused);
the ``post_migrate`` that ends a flush installs them again. Tests that need an empty database use it."""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from lianxin.audit import triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        using = options.get("database") or "default"
        triggers.drop_sqlite_triggers(using)
        try:
            super().handle(**options)
        finally:
            triggers.install(using=using)
