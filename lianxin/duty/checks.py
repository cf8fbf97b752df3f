"""The start-up check: every event kind that names deputies (``data["deputies"]``, declared by its app in
the kit's ``deputy_kinds`` slot) has a duty source, or is marked as not counting in ``sources.py``. Without
it a new kind would name deputies and silently never reach their duty record (as ``hear_report`` did)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core import checks

from lianxin.core.kit import everywhere

from . import sources


def unwired(
    named: Iterable[tuple[str, Any]], counted: Mapping[tuple[type, str], Any], not_counted: Mapping[Any, str]
) -> list[checks.CheckMessage]:
    """The errors for ``named`` (app label, kind) pairs that are in neither table, or in both."""
    errors: list[checks.CheckMessage] = []
    for label, kind in named:
        k = sources.key(kind)
        where = f"{label}: {type(kind).__name__}.{kind.name} ({kind.value!r})"
        if k not in counted and k not in not_counted:
            errors.append(
                checks.Error(
                    f"{where} names deputies but has no duty source",
                    hint="Add a line to duty/sources.py TABLE, or to NOT_COUNTING with the reason.",
                    id="duty.E001",
                )
            )
        elif k in counted and k in not_counted:
            errors.append(
                checks.Error(
                    f"{where} is both counted and marked as not counting",
                    hint="Keep it in one of TABLE and NOT_COUNTING in duty/sources.py.",
                    id="duty.E002",
                )
            )
    return errors


@checks.register()
def deputy_kinds_have_sources(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return unwired(everywhere("deputy_kinds"), sources.SOURCES, sources.NOT_COUNTED)
