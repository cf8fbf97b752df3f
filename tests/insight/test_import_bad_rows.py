"""A bad row never kills an import: NUL and other control characters, a line that is not JSON, and a row the
database refuses are refused row by row with their number and reason; the good rows are kept and the job ends
DONE with the counts. Run on SQLite and PostgreSQL (which stores no NUL: there the old code lost every row).
An import's uploaded file and its rows' words go after the keep days, like an export's file; its counts stay."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lianxin.demands.models import Demand
from lianxin.insight import importer, services
from lianxin.jobs import services as jobs
from lianxin.jobs.models import Job, JobState

from ..factories import DemandFactory
from ..loop import Loop
from .test_import import as_csv, as_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    return Loop.build()


def row(loop: Loop, ref: str, text: str, **more: str) -> dict[str, str]:
    return {"编号": ref, "收到时间": "2023-04-01 09:00", "内容": text, "类别": loop.category.name,
            "网格": loop.cell.name, **more}  # fmt: skip


def imported() -> list[str]:
    return sorted(
        Demand.objects.filter(intake_key__startswith="import:").values_list("intake_key", flat=True)
    )


def run_import(loop: Loop, name: str, data: bytes, capture) -> Job:
    with capture(execute=True):
        job = services.import_job_start(town=loop.town, actor=loop.presidium, filename=name, content=data,
                                        dry_run=False)  # fmt: skip
    job.refresh_from_db()
    return job


def test_nul_and_control_characters_in_json_lines_are_refused_by_row(
    client, loop, django_capture_on_commit_callbacks
):
    lines = [
        json.dumps(row(loop, "a", "村口路灯不亮"), ensure_ascii=False),
        json.dumps(row(loop, "b", "坏\u0000行"), ensure_ascii=False),  # the escaped NUL, \\u0000
        json.dumps(row(loop, "c", "响铃\u0007字符", 类别="没有这个类别"), ensure_ascii=False),
        '{"编号": "d", "内容": "未写完',  # not JSON
        json.dumps(row(loop, "e\u0000", "编号里有 NUL"), ensure_ascii=False),
        '{"编号": "f", "收到时间": "2023-04-01 09:00", "内容": "孤立代理项\\ud800"}',
        json.dumps(row(loop, "g", "垃圾清运不及时\n第二行"), ensure_ascii=False),  # a line feed is text
    ]
    job = run_import(loop, "台账.jsonl", "\n".join(lines).encode(), django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE and job.error == ""
    assert imported() == ["import:a", "import:g"], "the good rows are kept"
    assert (job.result["created"], job.result["refused"], job.total, job.done) == (2, 5, 7, 7)
    refused = {(e["row"], e["field"]) for e in job.result["errors"]}
    assert refused == {(3, "text"), (4, "text"), (5, ""), (6, "ref"), (7, "text")}
    by_row = {e["row"]: e["message"] for e in job.result["errors"]}
    assert "U+0000" in by_row[3] and "U+0007" in by_row[4] and "U+D800" in by_row[7]
    assert "控制字符" in by_row[3] and "JSON" in by_row[5]
    client.force_login(loop.presidium)
    page = client.get(reverse("insight:import", args=[job.pk])).content.decode()
    assert "<dd data-refused>5</dd>" in page and "U+0000" in page


def test_control_characters_in_a_csv_are_refused_by_row(loop, django_capture_on_commit_callbacks):
    rows = [row(loop, "a", "路灯\x01不亮"), row(loop, "b", "井盖缺失"), row(loop, "c", "噪音\x00扰民")]
    job = run_import(loop, "台账.csv", as_csv(rows), django_capture_on_commit_callbacks)
    assert job.state == JobState.DONE and imported() == ["import:b"]
    assert {(e["row"], e["field"]) for e in job.result["errors"]} == {(2, "text"), (4, "text")}


@pytest.mark.parametrize("fmt, encode", [("csv", as_csv), ("xlsx", as_xlsx)])
def test_a_row_the_database_refuses_is_rolled_back_alone(loop, monkeypatch, fmt, encode):
    """Another import wrote row b's key after this one read the keys (the unique key refuses the second):
    row b is refused with the database's reason, rows a and c are kept."""
    monkeypatch.setattr(importer, "CHUNK", 1)
    rows = importer.read_rows(encode([row(loop, "a", "一"), row(loop, "b", "二"), row(loop, "c", "三")]), fmt)

    def meanwhile(done: int, report: importer.Report) -> None:
        if done == 1:
            DemandFactory(town=loop.town, category=loop.category, cell=loop.cell, intake_key="import:b")

    report = importer.import_rows(town=loop.town, rows=rows, actor=loop.presidium, progress=meanwhile)
    assert (report.created, [(e.row, e.field) for e in report.errors]) == (2, [(3, "")])
    assert report.errors[0].message.startswith("数据库拒绝了此行")
    assert imported() == ["import:a", "import:b", "import:c"]


def test_the_command_refuses_bad_rows_and_keeps_the_good(loop, tmp_path):
    path = tmp_path / "ledger.jsonl"
    lines = [json.dumps(row(loop, "a", "一\u0000"), ensure_ascii=False), json.dumps(row(loop, "b", "二"))]
    path.write_text("\n".join(lines))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_demands", str(path), "--town", loop.town.code, stdout=out)
    assert (
        "row 2: 内容:" in out.getvalue()  # the sheet's own heading
        and "imported 1" in out.getvalue()
        and "1 with errors" in out.getvalue()
    )
    assert imported() == ["import:b"]


def test_an_import_is_cleaned_after_the_keep_days_and_keeps_its_counts(
    client, loop, django_capture_on_commit_callbacks
):
    rows = [row(loop, "a", "一"), row(loop, "b", "二", 类别="没有这个类别")]
    job = run_import(loop, "台账.csv", as_csv(rows), django_capture_on_commit_callbacks)
    upload = job.params["upload"]
    assert job.state == JobState.DONE and default_storage.exists(upload)
    assert jobs.jobs_clean(at=timezone.now() + dt.timedelta(days=6)) == 0
    assert jobs.jobs_clean(at=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert not default_storage.exists(upload) and job.params["upload"] == "" and job.state == JobState.EXPIRED
    assert (job.result["created"], job.result["refused"], "errors" in job.result) == (1, 1, False)
    client.force_login(loop.presidium)
    page = client.get(reverse("insight:import", args=[job.pk])).content.decode()
    assert (
        "<dd data-created>1</dd>" in page and "<dd data-refused>1</dd>" in page and "没有这个类别" not in page
    )
