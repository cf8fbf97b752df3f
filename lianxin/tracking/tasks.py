from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lianxin.core.tasklocks import alone

from .services import tracking_sweep


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-tracking-sweep", otherwise={})
def sweep_tracked_items() -> dict[str, int]:
    return tracking_sweep()
