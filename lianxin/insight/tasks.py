"""The worker's insight jobs: the daily early-warning scan."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .services import report_make, reports_monthly, warnings_scan


@db_periodic_task(crontab(hour="6", minute="15"))
@lock_task("lianxin-warnings-scan")
def scan_warnings() -> dict[str, int]:
    return warnings_scan()


@db_task()
def make_report(report_id: int) -> None:
    report_make(report_id=report_id)


@db_periodic_task(crontab(day="1", hour="7", minute="0"))
@lock_task("lianxin-monthly-reports")
def monthly_reports() -> int:
    """On the first of each month: last month's report of every town and county."""
    return reports_monthly()
