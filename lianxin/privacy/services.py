"""Personal data under PIPL: what each app keeps loses its personal data after the app's retention term,
and a citizen reads (and downloads) what the town holds about them.

Each app registers its own rule (``core.retention.Retention``) in its kit's ``retention`` slot: it knows its
rows, fields and files; this app runs the rules and imports none of them. Each rule that cleared anything
writes one audit entry with its counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lianxin import audit
from lianxin.core import clock
from lianxin.core.kit import everywhere
from lianxin.core.retention import Retention


def rules() -> list[Retention]:
    return [rule for _app, rule in everywhere("retention")]


def retention_days() -> int:
    """The longest term of the rules: what the citizen's page promises at the latest."""
    return max((rule.days() for rule in rules()), default=0)


def due_count(now: dt.datetime | None = None) -> int:
    at = now or clock.now()
    return sum(rule.due(at).count() for rule in rules())


@transaction.atomic
def personal_data_anonymise(*, now: dt.datetime | None = None) -> int:
    """Run every app's rule; the rows cleared, all rules together."""
    at = now or clock.now()
    total = 0
    for rule in rules():
        count, details = rule.anonymise(at)
        if not count:
            continue
        total += count
        audit.record(
            audit.RETENTION,
            request=None,
            user_text="worker",
            object_type=rule.name,
            action="anonymise",
            details=details,
        )
    return total


def citizen_data(user: Any) -> dict[str, Any]:
    """Everything the town holds about this citizen: the account and what each app's rule holds."""
    phone = user.phone or ""
    held = {rule.key: rule.data_of(user) for rule in rules()}
    return {
        "account": {
            "username": user.get_username(),
            "display_name": user.display_name,
            "phone": phone,
            "town": str(user.town) if user.town_id else "",
            "joined": user.date_joined.isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        },
        **held,
        "retention_days": retention_days(),
    }
