"""Monthly reports become jobs of the job app (kind ``insight.monthly_report``): every MonthlyReport row is
copied to jobs.Job (a new id; the PDF is the job's file, the workbook its second file, both left where they are
stored; the county and the month go to ``params``; percent progress becomes ``done`` of 100), then the
MonthlyReport table is dropped."""

from django.db import migrations

KIND = "insight.monthly_report"


def _title(town, county, month):
    place = town.name if town is not None else county.name
    return f"{place} · {month:%Y-%m}"


def carry_over(apps, schema_editor):
    MonthlyReport = apps.get_model("insight", "MonthlyReport")
    Job = apps.get_model("jobs", "Job")
    rows = MonthlyReport.objects.select_related("town", "county").order_by("pk")
    for old in rows.iterator(chunk_size=200):
        Job.objects.create(
            kind=KIND,
            title=_title(old.town, old.county, old.month),
            language="zh-hans",
            owner_id=old.requested_by_id,
            town_id=old.town_id,
            params={"county": old.county_id, "month": old.month.isoformat()},
            state=old.status,  # queued, running, done, failed: the same words
            total=100,
            done=old.progress,
            file=old.pdf.name,
            second_file=old.xlsx.name,
            error=old.message,
            created_at=old.created_at,
            started_at=old.created_at if old.status != "queued" else None,
            heartbeat_at=old.finished_at,
            finished_at=old.finished_at,
        )


def carry_back(apps, schema_editor):
    import datetime as dt

    MonthlyReport = apps.get_model("insight", "MonthlyReport")
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(kind=KIND).order_by("pk").iterator(chunk_size=200):
        MonthlyReport.objects.create(
            county_id=job.params["county"],
            town_id=job.town_id,
            month=dt.date.fromisoformat(job.params["month"]),
            status=job.state if job.state in ("queued", "running", "done", "failed") else "failed",
            progress=min(100, job.done),
            pdf=job.file.name,
            xlsx=job.second_file.name,
            message=job.error,
            requested_by_id=job.owner_id,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
    Job.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0006_event_rows_keep_data"),
        ("jobs", "0002_second_file"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="MonthlyReport"),
    ]
