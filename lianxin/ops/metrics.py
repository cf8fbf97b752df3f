"""The domain's figures as Prometheus gauges, computed at scrape time (``figures``: a few indexed counts).

A custom collector rather than gauges set by the code that changes things: the figures are the database's,
the same whichever gunicorn worker answers the scrape, and nothing has to remember to update them.
Request metrics (counts, latencies, by view) are django-prometheus's middleware, in the default registry.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from lianxin.core import clock
from lianxin.notify.models import ChannelName, OutboxStatus

from . import figures


class DomainCollector(Collector):
    """Overdue items, the outbox, jobs, early warnings and the worker's heartbeat."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        at = clock.now()
        codes = figures.town_codes()
        yield from self._overdue(at, codes)
        yield from self._outbox(at)
        yield from self._jobs(at)
        warnings = GaugeMetricFamily(
            "lianxin_early_warnings_open", "Early warnings still open, per town", labels=["town"]
        )
        for town_id, n in figures.warnings_open_by_town().items():
            warnings.add_metric([codes.get(town_id, str(town_id))], n)
        yield warnings
        yield from self._worker(at)

    def _overdue(self, at: dt.datetime, codes: dict[int, str]) -> Iterator[GaugeMetricFamily]:
        overdue = GaugeMetricFamily(
            "lianxin_overdue_items",
            "Items past their deadline and still open, per kind (demands.assignment, tracking.item) and town",
            labels=["kind", "town"],
        )
        for (kind, town_id), n in sorted(figures.overdue_by_town(at).items()):
            overdue.add_metric([kind, codes.get(town_id, str(town_id))], n)
        yield overdue

    def _outbox(self, at: dt.datetime) -> Iterator[GaugeMetricFamily]:
        age = figures.outbox_oldest_age(at)
        yield GaugeMetricFamily(
            "lianxin_outbox_oldest_pending_age_seconds",
            "Seconds the oldest undelivered message (notice, SMS, webhook) has waited; 0 when none waits",
            value=age or 0.0,
        )
        for status, help_text in (
            (OutboxStatus.PENDING, "Outbox messages waiting to be delivered, per channel"),
            (
                OutboxStatus.FAILED,
                "Outbox messages given up after their last retry, per channel (SMS, webhook…)",
            ),
        ):
            counts = figures.outbox_by_channel(status)
            family = GaugeMetricFamily(f"lianxin_outbox_{status}", help_text, labels=["channel"])
            for channel in ChannelName.values:
                family.add_metric([channel], counts.get(channel, 0))
            yield family
        yield GaugeMetricFamily(
            "lianxin_webhook_deliveries_pending",
            "Webhook deliveries not yet answered 2xx by their receiver",
            value=figures.webhooks_pending(),
        )

    def _jobs(self, at: dt.datetime) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily(
            "lianxin_jobs", "Jobs (exports, imports, reports) per state", labels=["state"]
        )
        for state, n in figures.jobs_by_state().items():
            jobs.add_metric([state], n)
        yield jobs
        yield GaugeMetricFamily(
            "lianxin_jobs_failed_last_day",
            "Jobs that failed in the last 24 hours",
            value=figures.jobs_failed_since(at - figures.DAY),
        )

    def _worker(self, at: dt.datetime) -> Iterator[GaugeMetricFamily]:
        beats = figures.worker_beats(at)
        yield GaugeMetricFamily(
            "lianxin_worker_heartbeat_age_seconds",
            "Seconds since any worker was last heard of (-1: never)",
            value=min(beats.values(), default=-1.0),
        )
        per_worker = GaugeMetricFamily(
            "lianxin_worker_last_beat_age_seconds",
            "Seconds since each worker was last heard of",
            labels=["worker"],
        )
        for name, age in beats.items():
            per_worker.add_metric([name], age)
        yield per_worker


def exposition() -> bytes:
    """The text a scrape gets: the process's (or, under gunicorn with PROMETHEUS_MULTIPROC_DIR, every worker
    process's) request metrics, then the domain's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        MultiProcessCollector(base)
    else:
        base = REGISTRY
    domain = CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    return generate_latest(base) + generate_latest(domain)
