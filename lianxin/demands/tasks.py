from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lianxin.core.tasklocks import alone

from .services import deadlines_sweep


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-deadline-sweep", otherwise={})
def sweep_deadlines() -> dict[str, int]:
    return deadlines_sweep()
