from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .services import outbox_deliver


@db_task()
@lock_task("lianxin-outbox")
def deliver_outbox() -> int:
    return outbox_deliver()


@db_periodic_task(crontab(minute="*"))
@lock_task("lianxin-outbox")
def deliver_outbox_every_minute() -> int:
    return outbox_deliver()
