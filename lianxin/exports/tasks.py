"""The worker's export jobs: write one export; every night, remove the old files."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .services import export_run, exports_clean


@db_task()
def run_export(job_id: int) -> None:
    export_run(job_id=job_id)


@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("lianxin-exports-clean")
def clean_exports() -> int:
    return exports_clean()
