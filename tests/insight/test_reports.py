"""The monthly report: made by the worker with progress, kept, downloadable; the PDF holds Chinese text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.accounts.roles import Role
from lianxin.insight import services
from lianxin.jobs.models import Job

from ..factories import UserFactory
from .factories import NOW, rates_dataset

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    """A stored file is sent by core/media.py, streamed."""
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_report_is_made_by_the_worker_kept_and_downloadable(client, django_capture_on_commit_callbacks):
    loop, _want = rates_dataset()
    client.force_login(loop.presidium)
    assert client.post(reverse("insight:reports"), {"month": "2026/13"}).status_code == 400
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:reports"), {"month": "2026-11"})
    report = Job.objects.get(kind="insight.monthly_report")
    assert response["Location"] == reverse("insight:report", args=[report.pk])
    # the job app's one progress box, polled by htmx from the report's page: done, 100%, no more polling
    progress = client.get(reverse("jobs:progress", args=[report.pk])).content.decode()
    assert 'data-status="done"' in progress and "<span data-percent>100%</span>" in progress
    assert "data-count" not in progress  # a report counts percent, not rows
    assert "hx-get" not in progress and report.finished_at is not None
    assert reverse("insight:report_file", args=[report.pk, "xlsx"]) in progress

    pdf = client.get(reverse("insight:report_file", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body(pdf))).pages)
    # Chinese is embedded and extractable: the town, the title, a rate's name, a category
    for words in (loop.town.name, "月报", "响应率", "按时办结率", loop.category.name):
        assert words in text, words
    assert "60.0%" in text and "33.3%" in text

    xlsx = client.get(reverse("insight:report_file", args=[report.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(body(xlsx)))
    rates = {row[0]: row[1:4] for row in wb.worksheets[0].iter_rows(min_row=4, max_row=7, values_only=True)}
    assert rates["响应率"] == (60.0, 3, 5) and rates["满意率"] == (66.7, 2, 3)

    # another town's presidium finds nothing; a county viewer of the county reads the town's report
    client.force_login(UserFactory(role=Role.PRESIDIUM))
    assert client.get(reverse("insight:report_file", args=[report.pk, "pdf"])).status_code == 404
    client.force_login(UserFactory(role=Role.COUNTY_VIEWER, county=loop.town.county, town=None))
    assert client.get(reverse("insight:report", args=[report.pk])).status_code == 200


def test_the_monthly_schedule_queues_last_month_once(django_capture_on_commit_callbacks):
    loop, _want = rates_dataset()
    at = dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC)
    made = services.reports_monthly(at=at)  # callbacks not run: only queued
    assert made == 2  # the town and its county
    reports = Job.objects.filter(kind="insight.monthly_report")
    assert {(job.params["month"], job.town_id) for job in reports} == {
        ("2026-11-01", loop.town.pk),
        ("2026-11-01", None),
    }
    assert services.reports_monthly(at=at) == 0


def test_the_workbook_writes_names_as_text_never_as_formulas():
    """Issue 23, item 5: a category or a department named like a formula comes out as the text it is."""
    from lianxin.insight import reports

    loop, _want = rates_dataset()
    category, department = '=HYPERLINK("http://x","y")', "+1+1"
    type(loop.category).objects.filter(pk=loop.category.pk).update(name=category)
    type(loop.department).objects.filter(pk=loop.department.pk).update(name=department + "\x07")
    subject = reports.Subject(county=loop.town.county, town=loop.town, month=dt.date(2026, 11, 1))
    with time_machine.travel(NOW, tick=False):
        data = reports.workbook(subject, reports.figures(subject))
    wb = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in wb.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"
    shown = {c.value for c in cells if isinstance(c.value, str)}
    assert f"'{category}" in shown and category not in shown
    assert any(v.startswith(f"'{department}") and "\x07" not in v for v in shown), "escaped, no control chars"
