"""The worker's one job task, and the nightly clearing of old files."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .services import job_run, jobs_clean


@db_task()
def run_job(job_id: int) -> None:
    job_run(job_id=job_id)


@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("lianxin-jobs-clean")
def clean_jobs() -> int:
    return jobs_clean()
