"""The worker's insight schedules: the daily early-warning scan and the monthly reports (made as jobs of
the job app, by its one task)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import reports_monthly, warnings_scan


@db_periodic_task(crontab(hour="6", minute="15"))
@lock_task("lianxin-warnings-scan")
def scan_warnings() -> dict[str, int]:
    return warnings_scan()


@db_periodic_task(crontab(day="1", hour="7", minute="0"))
@lock_task("lianxin-monthly-reports")
def monthly_reports() -> int:
    """On the first of each month: last month's report of every town and county."""
    return reports_monthly()
