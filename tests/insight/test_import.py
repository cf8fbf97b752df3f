"""Importing old ledgers: the three formats, row-by-row errors, dry run, idempotence, no notifications."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from lianxin.demands.models import Assignment, Demand, DemandEvent
from lianxin.insight import importer, selectors
from lianxin.notify.models import OutboxMessage

from ..factories import DeputyCellFactory, StationFactory
from ..loop import Loop

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    loop = Loop.build()
    StationFactory(town=loop.town, name="东关党群服务中心", cell=loop.cell)
    DeputyCellFactory(town=loop.town, cell=loop.cell)
    rows = [
        {  # closed, with its department: a demand, an assignment and two events at the ledger's times
            "编号": "2023-001", "收到时间": "2023-03-05 09:30", "渠道": "12345 hotline", "内容": "村口路灯不亮",
            "类别": loop.category.name, "网格": loop.cell.name, "状态": "已办结", "承办部门": loop.department.name,
            "办结时间": "2023-03-08 17:00", "办理结果": "已解决",
        },
        {  # open, placed by a station's name
            "编号": "2023-002", "收到时间": "2023/04/01", "内容": "垃圾清运不及时", "类别": loop.category.name,
            "地点": "东关党群服务中心",
        },
        {  # bad: unknown category, no time
            "编号": "2023-003", "收到时间": "", "内容": "噪音", "类别": "没有这个类别",
        },
        {  # bad: closed without outcome, closing before receiving
            "编号": "2023-004", "收到时间": "2023-05-01 10:00", "内容": "井盖缺失", "类别": loop.category.name,
            "网格": loop.cell.name, "状态": "closed", "办结时间": "2023-04-01 10:00",
        },
    ]  # fmt: skip
    return loop, rows


def as_csv(rows):
    headers = sorted({k for r in rows for k in r})
    out = io.StringIO()
    w = csv.DictWriter(out, headers)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows):
    headers = sorted({k for r in rows for k in r})
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def as_jsonl(rows):
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


@pytest.mark.parametrize("fmt, encode", [("csv", as_csv), ("xlsx", as_xlsx), ("jsonl", as_jsonl)])
def test_each_format_imports_history_with_a_row_by_row_report(ledger, fmt, encode):
    loop, rows = ledger
    report = importer.import_rows(
        town=loop.town, rows=importer.read_rows(encode(rows), fmt), actor=loop.presidium
    )
    assert (report.total, report.created, report.skipped) == (4, 2, 0)
    assert {(e.row, e.field) for e in report.errors} == {
        (4, "received_at"),
        (4, "category"),
        (5, "closed_at"),  # a closed row without 办理结果 is no error (a warning, were it imported)
    }
    closed = Demand.objects.get(intake_key="import:2023-001")
    assert (closed.status, closed.outcome, closed.channel, closed.cell) == (
        "closed",
        "resolved",
        "hotline",
        loop.cell,
    )
    assert f"{closed.created_at:%Y}" == "2023" and closed.code
    a = Assignment.objects.get(demand=closed)
    assert (a.department, a.completed_at) == (loop.department, closed.closed_at)
    assert list(DemandEvent.objects.filter(demand=closed).values_list("action", flat=True)) == [
        "record",
        "close",
    ]
    opened = Demand.objects.get(intake_key="import:2023-002")
    assert (opened.status, opened.cell.pk) == ("recorded", loop.cell.pk)
    assert not OutboxMessage.objects.exists()  # history: nobody is told


def test_reimport_adds_nothing_and_dry_run_writes_nothing(ledger, tmp_path):
    loop, rows = ledger
    path = tmp_path / "ledger.csv"
    path.write_bytes(as_csv(rows))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_demands", str(path), "--town", loop.town.code, "--dry-run", stdout=out)
    assert "would import 2" in out.getvalue() and "row 4: 类别" in out.getvalue()  # the sheet's own heading
    assert not Demand.objects.filter(intake_key__startswith="import:").exists()
    with pytest.raises(SystemExit):
        call_command("import_demands", str(path), "--town", loop.town.code, stdout=io.StringIO())
    assert Demand.objects.filter(intake_key__startswith="import:").count() == 2
    good = tmp_path / "good.csv"
    good.write_bytes(as_csv(rows[:2]))
    out = io.StringIO()
    call_command("import_demands", str(good), "--town", loop.town.code, stdout=out)
    assert "imported 0, 2 already there" in out.getvalue()
    assert Demand.objects.filter(intake_key__startswith="import:").count() == 2


def test_imported_history_counts_in_the_dashboard(ledger):
    loop, rows = ledger
    importer.import_rows(
        town=loop.town, rows=importer.read_rows(as_jsonl(rows[:1]), "jsonl"), actor=loop.presidium
    )
    import datetime as dt

    d = selectors.dashboard(
        user=loop.presidium, period=selectors.Period(dt.date(2023, 3, 1), dt.date(2023, 4, 1))
    )
    assert (d.rates.received, d.rates.completed, d.rates.resolved, d.rates.on_time) == (1, 1, 1, 1)


def test_a_file_that_cannot_be_read_is_refused_whole(ledger):
    with pytest.raises(importer.FileError):
        importer.read_rows(b"not a workbook", "xlsx")
    with pytest.raises(importer.FileError):
        importer.format_of("ledger.doc")
    with pytest.raises(importer.FileError, match="text"):
        importer.read_rows(b"foo,bar\n1,2\n", "csv")


def test_the_upload_page_imports_through_the_worker_with_progress(
    client, ledger, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from lianxin.jobs.models import Job

    loop, rows = ledger
    client.force_login(loop.presidium)
    assert client.get(reverse("insight:imports")).status_code == 200
    bad = client.post(reverse("insight:imports"), {"file": SimpleUploadedFile("ledger.doc", b"x")})
    assert bad.status_code == 400 and ".xlsx" in bad.content.decode()
    sheet = as_xlsx(rows)
    upload = SimpleUploadedFile("台账.xlsx", sheet)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:imports"), {"file": upload})
    job = Job.objects.get(kind="insight.ledger_import")
    assert response.status_code == 302 and response["Location"] == reverse("insight:import", args=[job.pk])
    upload = job.params["upload"]
    assert upload.startswith("jobs/imports/") and upload.endswith(".xlsx") and job.town == loop.town
    with default_storage.open(upload, "rb") as kept:  # the upload is a stored file, not bytes in the database
        assert kept.read() == sheet
    # the job app's one progress box, polled by htmx from the import page
    progress = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'data-status="done"' in progress and "hx-get" not in progress
    assert "<span data-percent>100%</span>" in progress and 'data-table="errors"' in progress
    assert job.total == 4 and job.done == 4
    page = client.get(reverse("insight:import", args=[job.pk])).content.decode()
    assert 'data-table="errors"' in page and "没有这个类别" in page
    assert Demand.objects.filter(intake_key__startswith="import:").count() == 2
    # a deputy may not import, and another town's presidium does not see the job
    client.force_login(loop.deputy)
    assert client.get(reverse("insight:imports")).status_code == 403


def test_an_over_long_cell_is_an_error_of_its_row_and_nothing_of_it_is_stored(ledger):
    loop, rows = ledger
    long_row = {"编号": "2023-009", "收到时间": "2023-06-01 09:00", "内容": "长" * 10_000, "类别": loop.category.name,
                "网格": loop.cell.name}  # fmt: skip
    report = importer.import_rows(
        town=loop.town, rows=importer.read_rows(as_csv([rows[1], long_row]), "csv"), actor=loop.presidium
    )
    assert (report.created, [(e.row, e.field) for e in report.errors]) == (1, [(3, "text")])
    assert "5000" in report.errors[0].message
    assert not Demand.objects.filter(intake_key="import:2023-009").exists()


def excel_csv(headers, rows):
    """A CSV as Chinese Excel saves it: GBK, CRLF line ends, no BOM."""
    lines = [",".join(headers)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def office_ledger(loop):
    """An office's own ledger: its headings, its words for channels, a closed row without 办理结果."""
    headers = [
        "序号",
        "反映时间",
        "反映人",
        "联系电话",
        "来源",
        "反映内容",
        "问题类别",
        "所属村（社区）",
        "承办单位",
        "办结时间",
        "办结情况",
    ]
    rows = [
        ["1", "2023/3/5 9:30", "王秀英", "13900001111", "12345", "村口路灯不亮", loop.category.name, loop.cell.name,
         loop.department.name, "2023/3/8 17:00", "已解决"],
        ["2", "2023年4月1日", "", "", "走访", "垃圾清运不及时，气味大", loop.category.name, loop.cell.name, "", "", ""],
        ["3", "2023-04-02", "", "", "入户走访", "排水沟堵塞", loop.category.name, loop.cell.name, "",
         "2023-04-05", ""],
        ["4", "2023-04-03", "", "", "微信", "广场舞噪音扰民", loop.category.name, loop.cell.name, "",
         "2023-04-06", "已与组织者沟通，调小音量"],
        ["5", "2023-04-04", "", "", "飞鸽传书", "井盖缺失", "没有这个类别", loop.cell.name, "", "", ""],
    ]  # fmt: skip
    return headers, rows


def test_a_gbk_csv_saved_by_excel_with_an_offices_headings_is_imported(ledger):
    """Issue 26, item 6: GBK from Chinese Excel was refused ('utf-8' codec can't decode byte 0xb1), 反映内容 was
    not a heading, "12345" and 走访 were unknown channels, a closed row without 办理结果 was refused, errors
    named internal keys and listed no allowed values."""
    loop, _rows = ledger
    headers, rows = office_ledger(loop)
    data = excel_csv(headers, rows)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK, as Excel writes it
    assert b"\r\n" in data
    importer.check_upload(data, "csv")
    parsed = importer.read_rows(data, "csv")
    report = importer.import_rows(town=loop.town, rows=parsed, actor=loop.presidium)
    assert (report.total, report.created) == (5, 4)
    by_ref = {d.intake_key: d for d in Demand.objects.filter(intake_key__startswith="import:")}
    first, visit, closed, own_words = (by_ref[f"import:{n}"] for n in "1234")
    assert (first.channel, first.status, first.outcome, first.description) == (
        "hotline", "closed", "resolved", "村口路灯不亮"
    )  # fmt: skip
    assert (first.requester_name, first.requester_phone) == ("王秀英", "13900001111")
    assert f"{first.created_at:%Y-%m-%d}" == "2023-03-05"
    assert Assignment.objects.get(demand=first).department == loop.department
    assert (visit.channel, visit.status, visit.description) == (
        "deputy_visit",
        "recorded",
        "垃圾清运不及时，气味大",
    )
    assert (closed.channel, closed.status, closed.outcome) == ("deputy_visit", "closed", "")
    assert (own_words.channel, own_words.status, own_words.outcome) == ("mobile", "closed", "")
    assert "调小音量" in own_words.events.get(action="close").note  # the office's words kept
    warned = {(w.row, w.heading) for w in report.warnings}
    assert warned == {(4, "办结情况"), (5, "办结情况")}
    refused = {e.heading: e.message for e in report.errors if e.row == 6}
    assert set(refused) == {"来源", "问题类别"}  # the sheet's own headings, not "channel" or "category"
    assert "飞鸽传书" in refused["来源"] and "12345 热线" in refused["来源"] and "走访" in refused["来源"]
    assert loop.category.name in refused["问题类别"]  # the allowed values listed


def test_an_offices_xlsx_with_full_width_headings_is_imported(ledger):
    loop, _rows = ledger
    headers, rows = office_ledger(loop)
    wb = Workbook()
    wb.active.append(
        [h.replace("（", "(").replace("）", ")") if h.startswith("所属") else h for h in headers]
    )
    for r in rows[:2]:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    report = importer.import_rows(
        town=loop.town, rows=importer.read_rows(buf.getvalue(), "xlsx"), actor=loop.presidium
    )
    assert (report.created, report.errors) == (2, [])
    assert set(Demand.objects.filter(intake_key__startswith="import:").values_list("cell", flat=True)) == {
        loop.cell.pk
    }


def test_the_upload_page_takes_a_gbk_csv_and_shows_headings_warnings_and_the_help_page(
    client, ledger, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from lianxin.jobs.models import Job

    loop, _rows = ledger
    client.force_login(loop.presidium)
    page = client.get(reverse("insight:imports")).content.decode()
    help_url = reverse("insight:import_help")
    assert f'href="{help_url}"' in page and "docs/insight.md" not in page
    headers, rows = office_ledger(loop)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:imports"), {"file": SimpleUploadedFile("旧台账.csv", excel_csv(headers, rows))}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(kind="insight.ledger_import")
    assert (job.result["created"], job.result["refused"]) == (4, 1)
    shown = client.get(reverse("insight:import", args=[job.pk])).content.decode()
    assert 'data-table="warnings"' in shown and "办结情况" in shown and "问题类别" in shown
    assert help_url in shown
    helped = client.get(help_url).content.decode()
    for word in ("反映内容", "来电内容", "所属村/社区", "承办单位", "办结情况", "联系电话", "反映人", "12345", "入户走访",
                 loop.category.name, loop.cell.name, loop.department.name):  # fmt: skip
        assert word in helped, word
