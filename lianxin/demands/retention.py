"""The demand's retention rule (PIPL), registered in the kit (apps.py) and run by the privacy app.

Anonymising clears the requester's name, phone (and its lookup hash), ID number and account link of each
demand closed (or declined, merged, transferred) longer ago than ``DEMAND_RETENTION_DAYS``; what the
demand was about, its timeline and its outcome stay for the town's statistics. The photos and documents the
citizen sent with it go too (rows and files; the department's evidence of completion stays).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from lianxin.core.retention import Retention

from .models import Attachment, Demand
from .states import Status

FINISHED = (Status.CLOSED, Status.DECLINED, Status.MERGED, Status.TRANSFERRED)
PERSONAL = {
    "requester_name": "",
    "requester_phone": "",
    "requester_phone_hash": "",
    "requester_id_number": "",
    "requester": None,
}


def days() -> int:
    return int(getattr(settings, "DEMAND_RETENTION_DAYS", 730))


def due(now: dt.datetime) -> QuerySet[Demand]:
    cutoff = now - dt.timedelta(days=days())
    holds = (
        ~Q(requester_name="")
        | ~Q(requester_phone="")
        | ~Q(requester_id_number="")
        | Q(requester__isnull=False)
        | Exists(Attachment.objects.filter(demand=OuterRef("pk"), kind=Attachment.Kind.SUBMITTED))
    )
    return Demand.objects.filter(status__in=FINISHED, closed_at__lt=cutoff).filter(holds)


def anonymise(now: dt.datetime) -> tuple[int, dict[str, Any]]:
    """Clear the requester's personal data of every finished demand past the term (the caller's transaction)."""
    pks = list(due(now).values_list("pk", flat=True))
    if not pks:
        return 0, {}
    count = Demand.objects.filter(pk__in=pks).update(**PERSONAL)
    sent = Attachment.objects.filter(demand_id__in=pks, kind=Attachment.Kind.SUBMITTED)
    files = [(a.file.storage, str(a.file.name)) for a in sent if a.file]
    photos = sent.delete()[0]

    def remove_files() -> None:  # once the rows are gone for good (a rolled-back run keeps both)
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return count, {"demands": count, "attachments": photos, "retention_days": days()}


def data_of(user: Any) -> list[dict[str, Any]]:
    """The demands the citizen raised or that carry their phone, with what they said and what was done."""
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
    return [
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
    ]


RULE = Retention(
    name="demands.demand", key="demands", days=days, due=due, anonymise=anonymise, data_of=data_of
)
