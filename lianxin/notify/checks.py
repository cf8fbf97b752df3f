"""Start-up check of the registered notice tables (``manage.py check`` and every start)."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def notice_tables(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .engine import table_errors

    return [checks.Error(message, id="notify.E001") for message in table_errors()]
