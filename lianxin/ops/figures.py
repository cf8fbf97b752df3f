"""Reads for readiness and the metrics: each one query on an indexed column, cheap enough for every scrape.

Selectors only: nothing here writes. Both ``checks`` (the /readyz verdicts) and ``metrics`` (the Prometheus
gauges) read the same figures, so what the table says and what the graphs draw never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Min

from lianxin.api.models import DeliveryStatus, WebhookDelivery
from lianxin.core.models import Town
from lianxin.core.sweep import registered
from lianxin.insight.models import EarlyWarning, WarningStatus
from lianxin.jobs.models import Job, JobState
from lianxin.notify.models import OutboxMessage, OutboxStatus

from .models import WorkerBeat

DAY = dt.timedelta(days=1)


def _age(at: dt.datetime, then: dt.datetime | None) -> float | None:
    return None if then is None else max(0.0, (at - then).total_seconds())


def worker_beats(at: dt.datetime) -> dict[str, float]:
    """Each worker's name and the seconds since it was last heard of, newest first."""
    return {name: _age(at, beat) or 0.0 for name, beat in WorkerBeat.objects.values_list("name", "at")}


def outbox_oldest_age(at: dt.datetime) -> float | None:
    """Seconds the oldest undelivered message has waited: an outbox row still pending (notices and webhook
    deliveries alike, the one queue), or a webhook delivery not yet delivered. None: nothing waits."""
    oldest = [
        # A row held for its time without a try (a text in citizens' quiet hours) is not late.
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .exclude(attempts=0, next_attempt_at__gt=at)
        .aggregate(at=Min("created_at"))["at"],
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(at=Min("created_at"))["at"],
    ]
    known = [then for then in oldest if then is not None]
    return _age(at, min(known)) if known else None


def outbox_by_channel(status: str) -> dict[str, int]:
    """Outbox rows in ``status`` per channel (pending: waiting; failed: given up after the last retry)."""
    rows = OutboxMessage.objects.filter(status=status).values("channel").annotate(n=Count("pk")).order_by()
    return {row["channel"]: row["n"] for row in rows}


def webhooks_pending() -> int:
    return WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count()


def jobs_by_state() -> dict[str, int]:
    rows = Job.objects.values("state").annotate(n=Count("pk")).order_by()
    counts = {state: 0 for state in JobState.values}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def jobs_failed_since(since: dt.datetime) -> int:
    """Jobs that failed since then (by the time they finished, or were asked for if they never started)."""
    failed = Job.objects.filter(state=JobState.FAILED)
    return (
        failed.filter(finished_at__gte=since).count()
        + failed.filter(finished_at__isnull=True, created_at__gte=since).count()
    )


def town_codes() -> dict[int, str]:
    return dict(Town.objects.values_list("pk", "code"))


def overdue_by_town(at: dt.datetime) -> dict[tuple[str, int], int]:
    """Items past their deadline and still on the clock, per deadline kind (each app's registration with the
    one sweep, ``core.sweep``: demands' assignments, tracked items, whatever registers next) and town. Read
    by the deadline itself, not the stored light, so a stopped sweep does not hide them."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for deadlines in registered():
        rows = deadlines.rows().filter(**{f"{deadlines.due}__lt": at})
        for row in rows.values("town_id").annotate(n=Count("pk")).order_by():
            counts[(deadlines.name, row["town_id"])] += row["n"]
    return dict(counts)


def warnings_open_by_town() -> dict[int, int]:
    rows = EarlyWarning.objects.filter(status=WarningStatus.OPEN).values("town_id").annotate(n=Count("pk"))
    return {row["town_id"]: row["n"] for row in rows.order_by()}
