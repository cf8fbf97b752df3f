from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lianxin.core.tasklocks import alone

from .services import outbox_deliver

OUTBOX_LOCK = "lianxin-outbox"


@db_task()
@alone(OUTBOX_LOCK)
def deliver_outbox() -> int:
    return outbox_deliver()


@db_periodic_task(crontab(minute="*"))
@alone(OUTBOX_LOCK)
def deliver_outbox_every_minute() -> int:
    return outbox_deliver()


@db_periodic_task(crontab(minute="*/5"))
@alone("lianxin-sms-receipts")
def poll_sms_receipts() -> int:
    """Delivery reports (and replies) the SMS gateway keeps for polling (lianxin/notify/sms.py)."""
    from .sms import poll_receipts

    return poll_receipts()


@db_periodic_task(crontab(minute="5"))
@alone("lianxin-digest")
def send_daily_digests() -> int:
    """Every hour: the digests not sent yet today, once the town's clock has passed DIGEST_HOUR."""
    from .digest import digests_send

    return digests_send()
