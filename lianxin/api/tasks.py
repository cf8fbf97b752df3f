from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianxin.core.tasklocks import alone
from lianxin.notify.services import outbox_deliver

from .services import idempotency_purge, webhooks_collect


@db_task()
@alone("lianxin-webhooks")
def pump_webhooks() -> int:
    webhooks_collect()
    return outbox_deliver()  # the one outbound queue sends them, in each subscription's order


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-webhooks")
def pump_webhooks_every_minute() -> int:
    webhooks_collect()
    return outbox_deliver()  # the one outbound queue sends them, in each subscription's order


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_idempotency_records() -> int:
    return idempotency_purge()
