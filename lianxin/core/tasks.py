"""Tasks of the platform itself (the domain apps keep their own ``tasks.py``)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task

from .sweep import sweep_all
from .tasklocks import alone


@task()
def ping() -> str:
    """Answered by a running worker; ``lianxin manage worker_ping`` waits for it."""
    return timezone.now().isoformat()


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-light-sweep", otherwise={})
def sweep_lights() -> dict[str, dict[str, int]]:
    """Every minute: recolour every deadline any app registered (``core.sweep``), one lock for all."""
    return sweep_all()
