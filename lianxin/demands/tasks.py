from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lianxin.core.tasklocks import alone

from . import counters


@db_periodic_task(crontab(minute="*"))
@alone("lianxin-fold-counts", otherwise=0)
def fold_counts() -> int:
    """Fold each town's rows of count changes into one per status (``counters.py``)."""
    return counters.fold()
