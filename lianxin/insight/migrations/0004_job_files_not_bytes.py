"""No file contents in the database: a ledger import's upload and a monthly report's PDF and workbook become
stored files under MEDIA_ROOT/jobs/ (random names), read through core/media.py. The bytes of the rows already
there are written out to files first, then the byte columns are dropped."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models


def _store(folder, ext, data):
    return default_storage.save(f"jobs/{folder}/{uuid.uuid4().hex}.{ext}", ContentFile(bytes(data)))


def bytes_to_files(apps, schema_editor):
    ImportJob = apps.get_model("insight", "ImportJob")
    MonthlyReport = apps.get_model("insight", "MonthlyReport")
    for job in ImportJob.objects.exclude(content=b"").only("pk", "fmt", "content").iterator(chunk_size=50):
        ImportJob.objects.filter(pk=job.pk).update(upload=_store("imports", job.fmt, job.content))
    for report in MonthlyReport.objects.only("pk", "pdf", "xlsx").iterator(chunk_size=20):
        names = {}
        if report.pdf:
            names["pdf_file"] = _store("reports", "pdf", report.pdf)
        if report.xlsx:
            names["xlsx_file"] = _store("reports", "xlsx", report.xlsx)
        if names:
            MonthlyReport.objects.filter(pk=report.pk).update(**names)


def files_to_bytes(apps, schema_editor):
    ImportJob = apps.get_model("insight", "ImportJob")
    MonthlyReport = apps.get_model("insight", "MonthlyReport")

    def read(name):
        if not name or not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as f:
            return f.read()

    for job in ImportJob.objects.only("pk", "upload").iterator(chunk_size=50):
        ImportJob.objects.filter(pk=job.pk).update(content=read(job.upload.name) or b"")
    for report in MonthlyReport.objects.only("pk", "pdf_file", "xlsx_file").iterator(chunk_size=20):
        MonthlyReport.objects.filter(pk=report.pk).update(
            pdf=read(report.pdf_file.name), xlsx=read(report.xlsx_file.name)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0003_monthly_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="upload",
            field=models.FileField(
                default="",
                editable=False,
                max_length=200,
                upload_to="jobs/imports/",
                verbose_name="uploaded file",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="pdf_file",
            field=models.FileField(
                blank=True, editable=False, max_length=200, upload_to="jobs/reports/", verbose_name="PDF"
            ),
        ),
        migrations.AddField(
            model_name="monthlyreport",
            name="xlsx_file",
            field=models.FileField(
                blank=True, editable=False, max_length=200, upload_to="jobs/reports/", verbose_name="workbook"
            ),
        ),
        migrations.RunPython(bytes_to_files, files_to_bytes),
        migrations.RemoveField(model_name="importjob", name="content"),
        migrations.RemoveField(model_name="monthlyreport", name="pdf"),
        migrations.RemoveField(model_name="monthlyreport", name="xlsx"),
        migrations.RenameField(model_name="monthlyreport", old_name="pdf_file", new_name="pdf"),
        migrations.RenameField(model_name="monthlyreport", old_name="xlsx_file", new_name="xlsx"),
    ]
