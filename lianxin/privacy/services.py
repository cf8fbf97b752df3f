"""Personal data under PIPL: closed demands lose their requester's personal data after the retention
period, and a citizen reads (and downloads) what the town holds about them.

Anonymising clears the requester's name, phone (and its lookup hash), ID number and account link of each
demand closed (or declined, merged, transferred) longer ago than ``DEMAND_RETENTION_DAYS``; what the
demand was about, its timeline and its outcome stay for the town's statistics. The photos and documents the
citizen sent with it go too (rows and files; the department's evidence of completion stays). Each run writes
one audit entry with the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from lianxin import audit
from lianxin.core import clock
from lianxin.demands.models import Attachment, Demand
from lianxin.demands.states import Status

FINISHED = (Status.CLOSED, Status.DECLINED, Status.MERGED, Status.TRANSFERRED)
PERSONAL = {
    "requester_name": "",
    "requester_phone": "",
    "requester_phone_hash": "",
    "requester_id_number": "",
    "requester": None,
}


def retention() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "DEMAND_RETENTION_DAYS", 730)))


def due_for_anonymising(now: dt.datetime | None = None) -> QuerySet[Demand]:
    cutoff = (now or clock.now()) - retention()
    holds = (
        ~Q(requester_name="")
        | ~Q(requester_phone="")
        | ~Q(requester_id_number="")
        | Q(requester__isnull=False)
        | Exists(Attachment.objects.filter(demand=OuterRef("pk"), kind=Attachment.Kind.SUBMITTED))
    )
    return Demand.objects.filter(status__in=FINISHED, closed_at__lt=cutoff).filter(holds)


@transaction.atomic
def demands_anonymise(*, now: dt.datetime | None = None) -> int:
    """Clear the requester's personal data of every finished demand past the retention period."""
    pks = list(due_for_anonymising(now).values_list("pk", flat=True))
    if not pks:
        return 0
    count = Demand.objects.filter(pk__in=pks).update(**PERSONAL)
    sent = Attachment.objects.filter(demand_id__in=pks, kind=Attachment.Kind.SUBMITTED)
    files = [(a.file.storage, str(a.file.name)) for a in sent if a.file]
    photos = sent.delete()[0]

    def remove_files() -> None:  # once the rows are gone for good (a rolled-back run keeps both)
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    audit.record(
        audit.RETENTION,
        request=None,
        user_text="worker",
        object_type="demands.demand",
        action="anonymise",
        details={"demands": count, "attachments": photos, "retention_days": retention().days},
    )
    return count


def citizen_data(user: Any) -> dict[str, Any]:
    """Everything the town holds about this citizen: the account and the demands they raised or that carry
    their phone, with what they said and what was done."""
    from lianxin.core.fields import lookup_hash

    phone = user.phone or ""
    match = Q(requester=user)
    if phone:
        match |= Q(requester_phone_hash=lookup_hash(phone))
    demands = (
        Demand.objects.filter(match, town_id=user.town_id)
        .select_related("category", "cell", "deputy")
        .order_by("created_at")
        .distinct()
    )
    return {
        "account": {
            "username": user.get_username(),
            "display_name": user.display_name,
            "phone": phone,
            "town": str(user.town) if user.town_id else "",
            "joined": user.date_joined.isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        },
        "demands": [
            {
                "code": d.code,
                "recorded_at": d.created_at.isoformat(),
                "channel": str(d.get_channel_display()),
                "category": str(d.category),
                "summary": d.title,
                "description": d.description,
                "address": d.address,
                "grid_cell": d.cell.name if d.cell else "",
                "requester_name": d.requester_name,
                "requester_phone": d.requester_phone,
                "requester_id_number": d.requester_id_number,
                "status": str(d.get_status_display()),
                "deputy": d.deputy.name if d.deputy else "",
                "closed_at": d.closed_at.isoformat() if d.closed_at else None,
            }
            for d in demands
        ],
        "retention_days": retention().days,
    }
