"""Ledger imports become jobs of the job app (kind ``insight.ledger_import``): every ImportJob row is copied to
jobs.Job (a new id: the job app's ids were the exports'; the counts and the refused rows go to ``result``, the
stored upload is kept where it is), then the ImportJob table is dropped."""

from django.db import migrations

KIND = "insight.ledger_import"
STATES = {"queued": "queued", "running": "running", "done": "done", "failed": "failed"}


def carry_over(apps, schema_editor):
    ImportJob = apps.get_model("insight", "ImportJob")
    Job = apps.get_model("jobs", "Job")
    for old in ImportJob.objects.all().order_by("pk").iterator(chunk_size=200):
        Job.objects.create(
            kind=KIND,
            title=old.filename,
            owner_id=old.created_by_id,
            town_id=old.town_id,
            params={
                "filename": old.filename,
                "fmt": old.fmt,
                "dry_run": old.dry_run,
                "upload": old.upload.name,
            },
            state=STATES[old.status],
            total=old.total,
            done=old.processed,
            result={"created": old.created, "skipped": old.skipped, "errors": old.errors},
            error=old.message,
            created_at=old.created_at,
            started_at=old.created_at if old.status != "queued" else None,
            heartbeat_at=old.finished_at,
            finished_at=old.finished_at,
        )


def carry_back(apps, schema_editor):
    ImportJob = apps.get_model("insight", "ImportJob")
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(kind=KIND).order_by("pk").iterator(chunk_size=200):
        ImportJob.objects.create(
            town_id=job.town_id,
            filename=job.params.get("filename", job.title),
            fmt=job.params.get("fmt", "csv"),
            upload=job.params.get("upload", ""),
            dry_run=job.params.get("dry_run", False),
            status=job.state if job.state in STATES else "failed",
            total=job.total,
            processed=job.done,
            created=job.result.get("created", 0),
            skipped=job.result.get("skipped", 0),
            errors=job.result.get("errors", []),
            message=job.error,
            created_by_id=job.owner_id,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
    Job.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0004_job_files_not_bytes"),
        ("jobs", "0001_job"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="ImportJob"),
    ]
