from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import deadlines_sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("lianxin-deadline-sweep")
def sweep_deadlines() -> dict[str, int]:
    return deadlines_sweep()
