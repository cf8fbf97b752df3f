"""One app's rule for the personal data it keeps (PIPL), registered in its kit's ``retention`` slot.

The privacy app runs every rule each night and shows a citizen what every rule holds about them; it imports
none of the apps, which know their own rows, fields and files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Retention:
    """``name`` is the audited object type (``"demands.demand"``) and ``key`` the rows' key in a citizen's
    data; ``days()`` is the term; ``due(now)`` the rows still holding personal data past it;
    ``anonymise(now)`` clears them and answers (rows cleared, details for the audit entry); ``data_of(user)``
    is what the app holds about a citizen, one dict per row."""

    name: str
    key: str
    days: Callable[[], int]
    due: Callable[[dt.datetime], Any]
    anonymise: Callable[[dt.datetime], tuple[int, dict[str, Any]]]
    data_of: Callable[[Any], list[dict[str, Any]]]
