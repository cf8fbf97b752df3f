"""Exports' jobs become jobs of the job app: every ExportJob row is copied to jobs.Job (same id, so links to
/exports/<id>/ still lead to it; its file stays where it is), then the ExportJob table is dropped."""

from django.core.management.color import no_style
from django.db import migrations


def carry_over(apps, schema_editor):
    ExportJob = apps.get_model("exports", "ExportJob")
    Job = apps.get_model("jobs", "Job")
    Job.objects.bulk_create(
        [
            Job(
                pk=old.pk,
                kind=old.kind,
                title=old.title,
                language=old.language,
                owner_id=old.requested_by_id,
                params=old.params,
                state=old.status,
                total=old.total,
                done=old.done,
                file=old.file.name if old.file else "",
                error=old.message,
                created_at=old.created_at,
                started_at=old.created_at if old.status != "queued" else None,
                heartbeat_at=old.finished_at,
                finished_at=old.finished_at,
            )
            for old in ExportJob.objects.all().iterator()
        ],
        batch_size=500,
    )
    _move_sequence(schema_editor, Job)


def _move_sequence(schema_editor, model):
    # Rows written with their ids leave PostgreSQL's sequence behind; SQLite takes the next id from the data.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def carry_back(apps, schema_editor):
    ExportJob = apps.get_model("exports", "ExportJob")
    Job = apps.get_model("jobs", "Job")
    # Exports are the jobs with an owner whose kind is not one of insight's (a ledger import, a report).
    for job in Job.objects.filter(owner__isnull=False).exclude(kind__startswith="insight."):
        ExportJob.objects.create(
            pk=job.pk,
            kind=job.kind,
            title=job.title,
            language=job.language,
            requested_by_id=job.owner_id,
            params=job.params,
            status=job.state,
            total=job.total,
            done=job.done,
            file=job.file.name,
            message=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_export_job"),
        ("jobs", "0001_job"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="ExportJob"),
    ]
