"""The worker's one job task, the sweep of jobs no worker will finish, and the nightly clearing of old files."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from lianxin.core.tasklocks import alone

from .services import job_run, jobs_clean, jobs_sweep


@db_task()
def run_job(job_id: int) -> None:
    job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))
@alone("lianxin-jobs-sweep")
def sweep_jobs() -> int:
    """Every five minutes: a job whose worker stopped beating is failed, with a retry for its owner."""
    return jobs_sweep()


@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("lianxin-jobs-clean")
def clean_jobs() -> int:
    return jobs_clean()
