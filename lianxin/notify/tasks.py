from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from .services import outbox_deliver

OUTBOX_LOCK = "lianxin-outbox"


def _deliver_unless_running() -> int:
    """One delivery at a time. A delivery that finds another running steps aside quietly: the one running
    (or the next minute's) sends what is queued, so there is nothing to warn about. (huey's ``lock_task``
    decorator would log "Task … not run, unable to acquire lock" for each, as the demo did at start.)"""
    lock = HUEY.lock_task(OUTBOX_LOCK)
    try:
        lock.acquire()
    except TaskLockedException:
        return 0
    try:
        return outbox_deliver()
    finally:
        lock.release()


@db_task()
def deliver_outbox() -> int:
    return _deliver_unless_running()


@db_periodic_task(crontab(minute="*"))
def deliver_outbox_every_minute() -> int:
    return _deliver_unless_running()
