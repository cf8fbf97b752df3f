"""The printed sheet of each list: 15 columns in order, names masked for everyone, one row per demand."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from lianxin.demands import services
from lianxin.demands.exports import DemandSheet, demands_xlsx
from lianxin.demands.models import Demand
from lianxin.demands.states import ASSIGNMENT_LIST, COMPLETION_LIST, PROBLEM_LIST

pytestmark = pytest.mark.django_db

COLUMNS = [
    "序号",
    "编号",
    "登记时间",
    "来源渠道",
    "诉求人(脱敏)",
    "所属网格",
    "问题内容",
    "接单代表",
    "交办部门",
    "办理事项",
    "办理标准",
    "完成时限",
    "办理结果",
    "满意度",
    "状态",
]


def sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def export(client, kind: str, **params) -> list[list]:
    return sheet(client.get(reverse("demands:list", args=[kind]), {"format": "xlsx", **params}))


@pytest.mark.parametrize(
    ("kind", "statuses"),
    [("problem", PROBLEM_LIST), ("assignment", ASSIGNMENT_LIST), ("completion", COMPLETION_LIST)],
)
def test_each_list_exports_15_columns_in_order_one_row_per_demand(client, loop, outsider, kind, statuses):
    for make in (loop.recorded, loop.claimed, loop.assigned, loop.returned, loop.evaluated, loop.closed):
        make()
    client.force_login(loop.presidium)
    rows = export(client, kind)
    assert rows[0] == COLUMNS
    body = rows[1:]
    expected = Demand.objects.filter(town=loop.town, status__in=statuses)
    assert len(body) == expected.count() > 0
    assert [r[0] for r in body] == list(range(1, len(body) + 1)), "序号 are numbers"
    assert {r[1] for r in body} == set(expected.values_list("code", flat=True))
    assert {r[14] for r in body} == {str(s.label) for s in statuses if expected.filter(status=s).exists()}
    # the presidium may read names in full on screen, but the printed sheet is masked for everyone
    assert {r[4] for r in body} == {"李**"}
    assert not any("李小花" in str(cell) for r in body for cell in r)


def test_a_row_carries_the_assignment_result_and_verdict(client, loop):
    demand = loop.evaluated()
    client.force_login(loop.presidium)
    (row,) = export(client, "completion")[1:]
    row = row[:1] + row[3:]  # 编号 and 登记时间 have a test of their own
    assert row[1] == "手机端"
    assert row[3] == loop.cell.name
    assert row[4].startswith("小区门口积水")
    assert row[5] == loop.deputy.deputy.name
    assert row[6] == str(loop.department)
    assert row[7] == "疏通排水" and row[8] == "三日内无积水"
    assert row[9] == timezone.localtime(demand.assignment.due_at).replace(
        tzinfo=None, second=0, microsecond=0
    )
    assert row[10].startswith("已疏通") and "已解决" in row[10]
    assert row[11] == "满意"
    assert row[12] == "已评价"


def test_the_export_follows_the_filters_and_the_users_scope(client, loop, outsider):
    from tests.factories import GridCellFactory
    from tests.loop import Loop

    far_cell = GridCellFactory(town=loop.town)
    loop.recorded(title="路灯")
    loop.recorded(title="积水", cell=far_cell)
    Loop.build(town=outsider.town).recorded()
    client.force_login(loop.presidium)
    assert len(export(client, "problem")) == 1 + 2
    rows = export(client, "problem", q="路灯")
    assert [r[6].split("\n")[0] for r in rows[1:]] == ["路灯"]
    client.force_login(loop.deputy)  # sees the cells they serve only
    assert len(export(client, "problem")) == 1 + 1
    client.force_login(outsider)
    assert len(export(client, "problem")) == 1 + 1


def test_the_sheet_does_not_carry_formulas_or_control_characters(loop):
    loop.recorded(title='=HYPERLINK("http://x")', description="坏\x07字符", requester_name="=1+1")
    data = demands_xlsx(Demand.objects.filter(town=loop.town))
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert not any(isinstance(c, str) and c.startswith("=") for r in rows for c in r)
    assert "\x07" not in rows[1][6]


def test_headers_follow_the_language(loop):
    loop.recorded()
    with translation.override("en"):
        headers = DemandSheet().export(queryset=Demand.objects.all()).headers
    assert headers[0] == "No." and headers[4] == "Requester (masked)" and len(headers) == 15
    with translation.override("zh-hans"):
        assert DemandSheet().export(queryset=Demand.objects.all()).headers == COLUMNS


def test_exporting_does_not_query_per_row(client, loop, django_assert_max_num_queries):
    for _ in range(15):
        services.demand_evaluate(demand=loop.completed(), actor=loop.citizen, verdict="basically")
    client.force_login(loop.presidium)
    with django_assert_max_num_queries(20):
        rows = export(client, "completion")
    assert len(rows) == 16
    assert {r[13] for r in rows[1:]} == {"基本满意"}


def test_the_printed_sheet_is_named_frozen_typed_and_wide_enough(client, loop):
    """Issue 10, point 12: the sheet read back with openpyxl, as an office would open it."""
    at = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 2026-03-02 01:30 in the town: across the date line
    with time_machine.travel(at, tick=False):
        demand = loop.recorded(title='=HYPERLINK("http://x")', description="-1+2")
        loop.recorded(title="路灯不亮")
    client.force_login(loop.presidium)
    response = client.get(reverse("demands:list", args=["problem"]), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "问题清单" and book.sheetnames == ["问题清单"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["序号", "编号", "登记时间"]
    by_code = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    row = by_code[demand.code]
    assert row[0].data_type == "n" and isinstance(row[0].value, int)
    assert row[2].is_date and row[2].value == dt.datetime(2026, 3, 2, 1, 30)
    # user text: escaped, never a formula; the escaping leaves it readable
    assert row[6].data_type == "s" and row[6].value.startswith("'=HYPERLINK")
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    for index, header in enumerate(headers, start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header)  # a Chinese character is two columns wide
        assert width >= shown + 2, f"{header}: {width} clips the header"
