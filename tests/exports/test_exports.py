"""Exports of any length (issue 17, item 3): a long list is a worker job read in keyset batches, written to a
file, followed by its page and downloaded by whoever asked, and nobody else; a county's year the same way."""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianxin.accounts.roles import Role
from lianxin.audit import exports as exports_audit
from lianxin.audit.models import AuditEntry, Kind
from lianxin.demands.exports import prepare
from lianxin.demands.models import Demand
from lianxin.exports import services, writer
from lianxin.jobs.models import Job, JobState
from tests.demands.test_exports import COLUMNS
from tests.factories import TownFactory, UserFactory
from tests.loop import Loop

pytestmark = pytest.mark.django_db

ROWS = 200
SERIAL = itertools.count()
BATCH = 7  # many batches of a few hundred rows: every batch boundary is crossed by the keyset


def clone(demand: Demand, n: int, *, start: dt.datetime, ties: int = 3) -> list[Demand]:
    """``n`` copies of ``demand`` (bulk, no services: the export only reads), ``ties`` of them at each
    moment, so that the keyset must order equal times by the primary key."""
    source = Demand.objects.get(pk=demand.pk)
    copies = []
    for i in range(n):
        d = copy.copy(source)
        d.pk = None
        d.code = f"{demand.code[:2]}-Z{next(SERIAL):06d}"
        d.created_at = start + dt.timedelta(minutes=i // ties)
        copies.append(d)
    return Demand.objects.bulk_create(copies)


@pytest.fixture
def small(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    settings.EXPORT_DIRECT_ROWS = 10
    settings.EXPORT_BATCH = BATCH
    return settings


@pytest.fixture
def many(loop, small) -> list[Demand]:
    start = timezone.now() - dt.timedelta(days=30)
    return clone(loop.recorded(), ROWS - 1, start=start) + list(Demand.objects.filter(town=loop.town))


def workbook(data: bytes) -> list[list]:
    return [
        list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
    ]


def downloaded(client, job: Job) -> list[list]:
    response = client.get(reverse("exports:file", args=[job.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Type"] == writer.XLSX_CONTENT_TYPE
        and "attachment" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    return workbook(b"".join(response.streaming_content) if response.streaming else response.content)


def test_a_long_list_is_a_job_read_in_keyset_batches_and_downloaded_by_its_asker(
    client, loop, many, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(loop.presidium)
    with django_capture_on_commit_callbacks(execute=True):  # the worker (huey, immediate in tests) runs it
        response = client.get(reverse("demands:list", args=["problem"]), {"format": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert job.state == JobState.DONE and job.total == job.done == ROWS and job.percent == 100
    assert job.owner == loop.presidium and job.file.name.startswith("jobs/")
    rows = downloaded(client, job)
    assert rows[0] == COLUMNS
    body = rows[1:]
    assert len(body) == ROWS
    assert [r[0] for r in body] == list(range(1, ROWS + 1))
    codes = [r[1] for r in body]
    assert len(set(codes)) == ROWS and set(codes) == set(Demand.objects.values_list("code", flat=True))
    newest_first = list(
        Demand.objects.order_by("-created_at", "-pk").values_list("code", flat=True)
    )  # the list's own order, ties by key: no row twice, none lost across 29 batches
    assert codes == newest_first
    assert {r[4] for r in body} == {"李**"}, "names are masked for everyone"
    assert not any("李小花" in str(c) for r in body for c in r)
    assert all(isinstance(r[2], dt.datetime) for r in body)
    # one query per batch: the columns are joined in, nothing per row
    with django_assert_max_num_queries(ROWS // BATCH + 5):
        services.sheet_bytes("demands.list", prepare(Demand.objects.all()), title="x")
    [entry] = AuditEntry.objects.filter(kind=Kind.EXPORT)
    assert entry.user_id == loop.presidium.pk and entry.action == "xlsx:problem"
    assert entry.details["rows"] == ROWS and entry.details["job"] == job.pk


def test_a_short_list_still_answers_at_once(client, loop, small):
    loop.recorded()
    client.force_login(loop.presidium)
    response = client.get(reverse("demands:list", args=["problem"]), {"format": "xlsx"})
    assert response.status_code == 200 and not Job.objects.exists()
    assert workbook(response.content)[0] == COLUMNS


def test_the_job_follows_the_filters_of_the_list(client, loop, many, django_capture_on_commit_callbacks):
    Demand.objects.filter(pk__in=[d.pk for d in many[:40]]).update(title="路灯不亮")
    client.force_login(loop.presidium)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("demands:list", args=["problem"]), {"format": "xlsx", "q": "路灯", "page": "2"})
    job = Job.objects.get()
    assert job.params == {"list": "problem", "filters": {"q": "路灯"}}
    body = downloaded(client, job)[1:]
    assert len(body) == job.total == 40 and all(r[6].startswith("路灯不亮") for r in body)


def test_the_page_shows_the_progress_then_the_download(client, loop, many):
    job = services.export_start(  # not committed in this test: the worker has not taken it yet
        kind="demands.list",
        params={"list": "problem", "filters": {}},
        title="问题清单",
        actor=loop.presidium,
        total=ROWS,
    )
    client.force_login(loop.presidium)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "data-download" not in page
    assert f"0 / {ROWS} 行" in page and "排队中" in page and ">0%<" in page
    seen: list[int] = []
    batches = writer.keyset(prepare(Demand.objects.all()), batch=BATCH)
    writer.write_xlsx(io.BytesIO(), title="t", headers=["a"], batches=([[d.code] for d in b] for b in batches),
                      progress=seen.append)  # fmt: skip
    assert seen == [min(ROWS, BATCH * i) for i in range(1, len(seen) + 1)] and seen[-1] == ROWS
    services.export_run(job_id=job.pk)
    box = client.get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in box, "a finished job is no longer polled"
    assert f"{ROWS} / {ROWS} 行" in box and ">100%<" in box and "已生成" in box
    assert "data-download" in box
    listing = client.get(reverse("exports:mine")).content.decode()
    assert reverse("jobs:job", args=[job.pk]) in listing


def test_another_users_export_is_a_404(client, loop, many, outsider):
    job = services.export_start(
        kind="demands.list", params={"list": "problem", "filters": {}}, title="问题清单", actor=loop.presidium
    )
    services.export_run(job_id=job.pk)
    colleague = UserFactory(role=Role.PRESIDIUM, town=loop.town)  # same town, same rights: still not theirs
    for user in (colleague, outsider):
        client.force_login(user)
        for name in (
            "exports:job",
            "exports:progress",
            "exports:file",
            "jobs:job",
            "jobs:progress",
            "jobs:file",
        ):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert reverse("jobs:job", args=[job.pk]) not in client.get(reverse("exports:mine")).content.decode()


def test_the_worker_reads_through_the_askers_scope(client, loop, many, outsider):
    """A deputy's job holds what the deputy reads, not what the worker (who reads every town) could."""
    Loop.build(town=outsider.town).recorded()
    far = Loop.build(town=loop.town)  # another cell of the same town, not served by ``loop.deputy``
    far.recorded()
    job = services.export_start(
        kind="demands.list", params={"list": "problem", "filters": {}}, title="问题清单", actor=loop.deputy
    )
    job = services.export_run(job_id=job.pk)
    assert job.total == ROWS and job.done == ROWS
    client.force_login(loop.deputy)
    assert len(downloaded(client, job)) == 1 + ROWS


def test_a_county_viewer_exports_a_year_of_every_town(
    client, loop, small, persona, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    start = timezone.now().replace(month=1, day=2)
    clone(loop.recorded(), 20, start=start)
    neighbour = Loop.build(town=TownFactory(county=loop.town.county))
    clone(neighbour.recorded(), 15, start=start)
    Loop.build().recorded()  # a town of another county
    last_year = clone(loop.recorded(), 1, start=start - dt.timedelta(days=400))[0]
    viewer = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=loop.town.county)
    client.force_login(viewer)
    overview = client.get(reverse("demands:overview")).content.decode()
    assert "data-year-export" in overview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demands:year_export"), {"year": year})
    job = Job.objects.get()
    assert response.status_code == 302 and job.kind == "demands.year" and job.state == JobState.DONE
    rows = downloaded(client, job)
    assert rows[0][:2] == ["序号", "乡镇"] and rows[0][2:] == COLUMNS[1:]
    body = rows[1:]
    assert len(body) == (1 + 20) + (1 + 15) + 1 == job.total  # the last one: the source of last year's copy
    assert {r[1] for r in body} == {loop.town.name, neighbour.town.name}
    assert last_year.code not in {r[2] for r in body}
    assert client.post(reverse("demands:year_export"), {"year": year + 1}).status_code == 400


def test_old_files_are_removed_after_their_days(client, loop, many):
    job = services.export_start(
        kind="demands.list", params={"list": "problem", "filters": {}}, title="问题清单", actor=loop.presidium
    )
    job = services.export_run(job_id=job.pk)
    path = job.file.path
    assert services.exports_clean() == 0
    assert services.exports_clean(at=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.state == JobState.EXPIRED and not job.file
    assert not os.path.exists(path)
    client.force_login(loop.presidium)
    assert client.get(reverse("exports:file", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 200


def test_the_audit_trail_exports_through_a_job_for_the_auditor_alone(
    client, persona, small, django_capture_on_commit_callbacks
):
    from lianxin import audit

    auditor = persona(Role.AUDIT_ADMIN, is_staff=True)
    deputy = persona(Role.DEPUTY)
    for _ in range(30):
        audit.record(audit.SIGN_IN, user=deputy)
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/admin/audit/auditentry/", {"kind__exact": "sign_in", "_export": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.kind == "audit.entries" and job.state == JobState.DONE
    body = downloaded(client, job)[1:]
    signed_in = AuditEntry.objects.filter(kind=Kind.SIGN_IN)
    assert len(body) == signed_in.count() == job.total and {r[4] for r in body} == {"登录"}
    # anyone else may not even ask for it (issue 23: the kind names the capability it needs)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.export_start(kind="audit.entries", params={}, title="audit", actor=deputy)
    # and the audit's own rows function reads nothing for them
    assert not exports_audit.admin_rows(deputy, {}).exists()


def test_the_database_refuses_an_unknown_status(loop):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="demands.list", title="x", owner=loop.presidium, state="lost")


def test_the_one_writer_keeps_every_formula_start_as_text():
    """Issue 23, item 5: whatever sheet of whatever workbook, text that opens like a formula stays text."""
    book = writer.Book()
    starts = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "普通\x0b文字"]
    book.sheet("自由").append(starts)
    book.table("表", headers=["=标题"], batches=[[[s] for s in starts]])
    loaded = load_workbook(io.BytesIO(book.to_bytes()))
    free, table = loaded.worksheets
    cells = [*free[1], *(row[0] for row in table.iter_rows())]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in free[1]][:6] == ["'" + s for s in starts[:6]]
    assert table["A1"].value == "'=标题" and "\x0b" not in free["G1"].value
