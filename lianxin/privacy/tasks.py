from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import demands_anonymise


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("lianxin-anonymise")
def anonymise_closed_demands() -> int:
    """Every night: the personal data of demands finished longer ago than DEMAND_RETENTION_DAYS."""
    return demands_anonymise()
