"""``lianxin manage duty_rebuild``: the duty record rebuilt from the event tables finds a deleted entry and
an extra one, adds what is missing once, and finds nothing to say on the demo town."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from lianxin.duty.models import DutyEntry

from ..supervision.factories import Sup

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("duty_rebuild", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_deleted_entry_and_an_extra_one_are_found_and_the_missing_one_added_once(loop):
    Sup(loop).adopted()  # two ballots: one project_vote entry for each deputy
    loop.claimed()  # the deputy takes a demand
    assert _run("--check") == (0, "0 missing, 0 extra\n")
    count = DutyEntry.objects.count()

    deleted = DutyEntry.objects.get(deputy=loop.other_deputy.deputy, kind="project_vote")
    deleted.delete()
    kept = DutyEntry.objects.get(deputy=loop.deputy.deputy, kind="demand_claimed")
    extra = DutyEntry.objects.create(
        town=loop.town, deputy=loop.other_deputy.deputy, kind="inspection", at=kept.at,
        source=kept.source, source_id=kept.source_id,
    )  # fmt: skip
    code, out = _run("--check")
    assert code == 1 and "1 missing, 1 extra" in out
    other = loop.other_deputy.deputy
    assert f"missing  {other.name} (#{other.pk})  project_vote  {deleted.source}#{deleted.source_id}" in out
    assert f"extra    {other.name} (#{other.pk})  inspection  {kept.source}#{kept.source_id}" in out
    assert f"{other.name} (#{other.pk}) project_vote: 1 missing, 0 extra" in out
    assert DutyEntry.objects.count() == count  # --check writes nothing

    assert _run() == (0, _tail(out) + "1 entries added, 1 extra left as they are\n")
    assert DutyEntry.objects.filter(deputy=other, kind="project_vote", source_id=deleted.source_id).exists()
    assert _run()[1].endswith("0 entries added, 1 extra left as they are\n")  # idempotent
    extra.delete()
    assert _run("--check") == (0, "0 missing, 0 extra\n")


def _tail(check_output: str) -> str:
    """The lines a run prints before its summary are the ones --check printed."""
    return "".join(check_output.splitlines(keepends=True)[:-1])


def test_an_unknown_town_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("duty_rebuild", "--check", "--town", "NOPE")


def test_the_demo_town_rebuilds_to_its_record(demo_town, demo_user):
    town = demo_user("presidium").town
    assert DutyEntry.objects.filter(town=town).count() > 100
    assert _run("--check", "--town", town.code) == (0, "0 missing, 0 extra\n")


def test_an_imported_ledger_is_not_counted_by_the_rebuild_either(loop):
    from lianxin.demands.models import DemandEvent
    from lianxin.insight import importer

    row = {
        "编号": "2023-001", "收到时间": "2023-03-05 09:30", "内容": "村口路灯不亮", "类别": loop.category.name,
        "网格": loop.cell.name, "状态": "已办结", "承办部门": loop.department.name,
        "办结时间": "2023-03-08 17:00", "办理结果": "已解决",
    }  # fmt: skip
    rows = importer.read_rows(json.dumps(row, ensure_ascii=False).encode(), "jsonl")
    report = importer.import_rows(town=loop.town, rows=rows, actor=loop.presidium)
    assert (report.created, report.errors) == (1, [])
    closed = DemandEvent.objects.get(action="close", demand__intake_key="import:2023-001")
    assert closed.demand.deputy_id is not None and not closed.published  # the cell's deputy
    assert not DutyEntry.objects.exists()  # the import published nothing
    assert _run("--check") == (0, "0 missing, 0 extra\n")


def test_rows_from_before_events_kept_their_data_keep_their_listed_deputies(loop):
    from lianxin.supervision.models import InquiryEvent

    Sup(loop).held()  # the presidium holds the session: every deputy present is listed
    assert DutyEntry.objects.filter(kind="inquiry").count() == 2
    InquiryEvent.objects.update(data={})  # as the migration left the rows written before it
    assert _run("--check") == (0, "0 missing, 0 extra\n")
    DutyEntry.objects.filter(deputy=loop.other_deputy.deputy).delete()
    assert _run("--check") == (0, "0 missing, 0 extra\n")  # whom it listed cannot be known again
