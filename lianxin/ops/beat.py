"""The worker's heartbeat: one row per worker name, written by the worker and read by readiness and metrics.

A worker writes it when its consumer starts (a fresh worker is seen at once) and every minute from a periodic
task, which goes through the queue like any other task: a beat proves that the scheduler enqueues and a worker
runs, not only that a process exists.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.conf import settings
from django.db import IntegrityError, transaction

from lianxin.core import clock

from .models import WorkerBeat


def worker_name() -> str:
    """``WORKER_NAME`` if set (two workers on one host that should be told apart), else the host's name."""
    return (getattr(settings, "WORKER_NAME", "") or socket.gethostname())[:100]


def worker_beat(*, started: bool = False) -> None:
    """Record that this worker is alive: one UPDATE, or one INSERT the first time this name is heard of."""
    at = clock.now()
    changes: dict[str, object] = {"at": at, "pid": os.getpid()}
    if started:
        changes["started_at"] = at
    name = worker_name()
    if WorkerBeat.objects.filter(name=name).update(**changes):
        return
    try:
        with transaction.atomic():
            WorkerBeat.objects.create(**{"name": name, "started_at": at, **changes})
    except IntegrityError:  # a second thread of the same worker inserted first
        WorkerBeat.objects.filter(name=name).update(**changes)


def newest_beat() -> dt.datetime | None:
    """When any worker was last heard of (None: never)."""
    return WorkerBeat.objects.order_by("-at").values_list("at", flat=True).first()
