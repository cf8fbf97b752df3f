"""Tasks of the platform itself (the domain apps keep their own ``tasks.py``)."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import task


@task()
def ping() -> str:
    """Answered by a running worker; ``lianxin manage worker_ping`` waits for it."""
    return timezone.now().isoformat()
