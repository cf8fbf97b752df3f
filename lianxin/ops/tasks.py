"""The worker's heartbeat (``beat.worker_beat``): at the consumer's start and every minute."""

from __future__ import annotations

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from .beat import worker_beat


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute, through the queue: the scheduler enqueued it and a worker ran it."""
    worker_beat()


@HUEY.on_startup("lianxin-heartbeat")
def heartbeat_at_start() -> None:
    """Each worker thread, as the consumer starts: a fresh worker is seen before the first minute is out."""
    try:
        worker_beat(started=True)
    finally:
        close_old_connections()
