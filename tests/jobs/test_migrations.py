"""The migrations that move the jobs carry the rows already there: an export job becomes a Job with its id and
file, and the bytes a ledger import and a monthly report kept in the database become stored files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import TownFactory, UserFactory

BEFORE = [("exports", "0001_export_job"), ("insight", "0003_monthly_reports"), ("jobs", "0001_job")]
AFTER = [("exports", "0002_export_jobs_to_jobs"), ("insight", "0005_ledger_imports_to_jobs")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_then(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    yield migrate(BEFORE)
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())  # the rest of the suite runs on the newest schema


def test_rows_are_carried_over(back_then):
    old = back_then
    # accounts and core stay at their newest: their real factories fit the tables
    town = TownFactory()
    county = town.county
    user = UserFactory(town=town)
    default_storage.save("exports/2026/11/old.xlsx", ContentFile(b"PK sheet"))
    now = timezone.now()
    export = old.get_model("exports", "ExportJob").objects.create(
        kind="demands.list", title="问题清单", requested_by_id=user.pk, status="done", total=3, done=3,
        file="exports/2026/11/old.xlsx", params={"list": "problem"}, finished_at=now,
    )  # fmt: skip
    old.get_model("insight", "ImportJob").objects.create(
        town_id=town.pk, filename="旧台账.csv", fmt="csv", content=b"a,b\n1,2\n", created_by_id=user.pk
    )
    report = old.get_model("insight", "MonthlyReport").objects.create(
        county_id=county.pk, town_id=town.pk, month=dt.date(2026, 10, 1), status="done", progress=100,
        pdf=b"%PDF-1.4 old", xlsx=b"PK old", finished_at=now,
    )  # fmt: skip

    new = migrate(AFTER)
    Job = new.get_model("jobs", "Job")
    job = Job.objects.get(kind="demands.list")
    assert (job.pk, job.owner_id, job.state, job.done, job.total) == (export.pk, user.pk, "done", 3, 3)
    assert (
        job.file.name == "exports/2026/11/old.xlsx"
        and job.params == {"list": "problem"}
        and job.finished_at == now
    )
    with pytest.raises(LookupError):  # the old table is gone
        new.get_model("exports", "ExportJob")

    imported = Job.objects.get(kind="insight.ledger_import")
    assert (imported.town_id, imported.owner_id, imported.title) == (town.pk, user.pk, "旧台账.csv")
    assert imported.params["fmt"] == "csv" and imported.state == "queued"
    with default_storage.open(imported.params["upload"], "rb") as f:
        assert imported.params["upload"].startswith("jobs/imports/") and f.read() == b"a,b\n1,2\n"
    with pytest.raises(LookupError):
        new.get_model("insight", "ImportJob")
    report = new.get_model("insight", "MonthlyReport").objects.get(pk=report.pk)
    for stored, data in ((report.pdf, b"%PDF-1.4 old"), (report.xlsx, b"PK old")):
        with default_storage.open(stored.name, "rb") as f:
            assert stored.name.startswith("jobs/reports/") and f.read() == data


def test_monthly_reports_become_jobs_with_two_files(back_then):
    town = TownFactory()
    county = town.county
    user = UserFactory(town=town)
    old = migrate(AFTER)  # monthly reports as stored files, still their own table
    default_storage.save("jobs/reports/2026/11/r.pdf", ContentFile(b"%PDF-1.4 town"))
    default_storage.save("jobs/reports/2026/11/r.xlsx", ContentFile(b"PK town"))
    now = timezone.now()
    Report = old.get_model("insight", "MonthlyReport")
    Report.objects.create(
        county_id=county.pk, town_id=town.pk, month=dt.date(2026, 10, 1), status="done", progress=100,
        pdf="jobs/reports/2026/11/r.pdf", xlsx="jobs/reports/2026/11/r.xlsx", requested_by_id=user.pk,
        finished_at=now,
    )  # fmt: skip
    Report.objects.create(county_id=county.pk, town_id=None, month=dt.date(2026, 9, 1), progress=40)

    new = migrate([("insight", "0007_monthly_reports_to_jobs")])
    Job = new.get_model("jobs", "Job")
    made = Job.objects.get(kind="insight.monthly_report", town_id=town.pk)
    assert (made.owner_id, made.state, made.done, made.total) == (user.pk, "done", 100, 100)
    assert made.params == {"county": county.pk, "month": "2026-10-01"} and made.finished_at == now
    assert made.title == f"{town.name} · 2026-10"
    for stored, data in ((made.file, b"%PDF-1.4 town"), (made.second_file, b"PK town")):
        with default_storage.open(stored.name, "rb") as f:
            assert f.read() == data
    county_wide = Job.objects.get(kind="insight.monthly_report", town_id=None)
    assert (county_wide.state, county_wide.done, county_wide.params["month"]) == ("queued", 40, "2026-09-01")
    assert county_wide.title == f"{county.name} · 2026-09" and not county_wide.file
    with pytest.raises(LookupError):  # the old table is gone
        new.get_model("insight", "MonthlyReport")

    back = migrate(AFTER)  # and back again: the rows return to their own table
    assert back.get_model("insight", "MonthlyReport").objects.filter(county_id=county.pk).count() == 2
    assert not back.get_model("jobs", "Job").objects.filter(kind="insight.monthly_report").exists()
