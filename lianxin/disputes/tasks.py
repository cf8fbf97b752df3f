from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from lianxin.core.models import Town

from .services import hearings_propose_for_demands


@db_periodic_task(crontab(hour="7", minute="5"))
@lock_task("lianxin-hearing-proposals")
def propose_hearings() -> int:
    """Each morning: demands on one subject in one cell past the town's threshold get a hearing proposed."""
    return sum(len(hearings_propose_for_demands(town=town)) for town in Town.objects.all())
