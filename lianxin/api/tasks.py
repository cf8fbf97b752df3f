from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianxin.core.tasklocks import alone

from .services import idempotency_purge, webhooks_collect, webhooks_deliver


@db_task()
@alone("lianxin-webhooks")
def pump_webhooks() -> int:
    webhooks_collect()
    return webhooks_deliver()


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-webhooks")
def pump_webhooks_every_minute() -> int:
    webhooks_collect()
    return webhooks_deliver()


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_idempotency_records() -> int:
    return idempotency_purge()
