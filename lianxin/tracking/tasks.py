from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import tracking_sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("lianxin-tracking-sweep")
def sweep_tracked_items() -> dict[str, int]:
    return tracking_sweep()
