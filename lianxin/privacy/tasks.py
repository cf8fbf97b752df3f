from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import personal_data_anonymise


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("lianxin-anonymise")
def anonymise_closed_demands() -> int:
    """Every night: the personal data past each app's term (demands: finished longer ago than
    DEMAND_RETENTION_DAYS)."""
    return personal_data_anonymise()
