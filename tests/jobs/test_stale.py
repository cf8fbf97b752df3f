"""Jobs that cannot hang: the sweep fails a job whose worker stopped beating (or that no worker took), its owner
retries it, and a worker that comes back late cannot turn the failed job into a done one."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.core.kit import kit
from lianxin.jobs import services, tasks
from lianxin.jobs.kinds import JobKind
from lianxin.jobs.models import Job, JobState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def three_lines(step):
    step.progress(0, 3)
    with open(step.path("txt"), "w", encoding="utf-8") as out:
        for i in range(1, 4):
            out.write(f"{i}\n")
            step.progress(i)


def stalls_then_beats(step):
    """A worker that stops for longer than the sweep waits (the sweep runs meanwhile), then goes on."""
    step.progress(0, 3)
    with open(step.path("txt"), "w", encoding="utf-8") as out:
        out.write("1\n")
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=30), tick=False):
            assert services.jobs_sweep() == 1
            out.write("2\n")
            step.progress(2)  # the worker is back: its next beat finds its job failed
        out.write("3\n")  # never reached


def stalls_at_the_end(step):
    """A worker whose last stretch (writing the file, no beat) outlasts the sweep."""
    step.progress(0, 1)
    with open(step.path("txt"), "w", encoding="utf-8") as out:
        out.write("1\n")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30), tick=False):
        assert services.jobs_sweep() == 1


@pytest.fixture
def kinds(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    toy = kit("jobs_toy")
    toy.add(
        "jobs",
        JobKind(
            kind="toy.lines", label="lines", run=three_lines, download="Download", capability="view_town"
        ),
        JobKind(kind="toy.stalls", label="stalls", run=stalls_then_beats, download="Download"),
        JobKind(kind="toy.late", label="late", run=stalls_at_the_end, download="Download"),
        JobKind(
            kind="toy.town",
            label="town",
            run=three_lines,
            download="Download",
            may_read=lambda user, job: job.town_id == getattr(user, "town_id", None),
        ),
    )
    yield toy
    toy.jobs.clear()


def running(kind: str, owner, *, at: dt.datetime = START, **kw) -> Job:
    """A job its worker took at ``at`` and then died on (no more beats)."""
    with time_machine.travel(at, tick=False):
        job = services.job_start(kind=kind, title="三行", owner=owner, **kw)
        Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=at, heartbeat_at=at, done=1)
    job.refresh_from_db()
    return job


def files(root) -> list[str]:
    return [f for _root, _dirs, names in os.walk(root) for f in names]


def test_a_running_job_whose_worker_stopped_beating_is_failed_with_a_message_in_its_owners_language(
    loop, kinds
):
    zh = running("toy.lines", loop.presidium)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        en = running("toy.lines", loop.deputy, at=START + dt.timedelta(minutes=5), params={})
    Job.objects.filter(pk=en.pk).update(language="en")
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        assert services.jobs_sweep() == 0, "a quarter of an hour of silence, not less"
    with time_machine.travel(START + dt.timedelta(minutes=16), tick=False):
        assert services.jobs_sweep() == 1
    zh.refresh_from_db()
    assert zh.state == JobState.FAILED and zh.finished_at == START + dt.timedelta(minutes=16)
    assert zh.error.startswith("后台任务中断") and "15" in zh.error and zh.done == 1
    with time_machine.travel(START + dt.timedelta(minutes=21), tick=False):
        assert services.jobs_sweep() == 1
    en.refresh_from_db()
    assert en.state == JobState.FAILED and en.error.startswith("The background job was interrupted")


def test_a_job_that_beats_is_let_be_and_the_setting_moves_the_limit(loop, kinds, settings):
    job = running("toy.lines", loop.presidium)
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        services.Step(job).progress(2)
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        assert services.jobs_sweep() == 0
        settings.JOB_STALE_MINUTES = 5
        assert services.jobs_sweep() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "5" in job.error


def test_a_job_no_worker_took_is_failed_after_the_queue_limit(loop, kinds):
    with time_machine.travel(START, tick=False):
        job = services.job_start(kind="toy.lines", title="三行", owner=loop.presidium)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        assert services.jobs_sweep() == 0
    with time_machine.travel(START + dt.timedelta(hours=5), tick=False):
        assert tasks.sweep_jobs.call_local() == 1  # the periodic task, under its lock
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error.startswith("后台任务中断") and "4" in job.error
    assert services.job_run(job_id=job.pk).state == JobState.FAILED, "a worker taking it late leaves it"


def test_a_late_worker_cannot_revive_a_failed_job(loop, kinds, tmp_path):
    job = services.job_start(kind="toy.stalls", title="慢", owner=loop.presidium)
    job = services.job_run(job_id=job.pk)
    assert job.state == JobState.FAILED and job.error.startswith("后台任务中断") and job.done == 0
    assert not job.file and files(tmp_path) == [], "the half-written file is removed"
    job = services.job_run(job_id=services.job_start(kind="toy.late", title="晚", owner=loop.presidium).pk)
    assert job.state == JobState.FAILED and not job.file and files(tmp_path) == []


def test_the_owner_retries_a_failed_job_and_nobody_else_can(client, loop, kinds, outsider):
    job = running("toy.town", loop.presidium, town=loop.town, params={"lines": 3})
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        services.jobs_sweep()
    colleague = UserFactory(role=Role.PRESIDIUM, town=loop.town)
    client.force_login(colleague)  # reads the town's job, but it is not theirs to start again
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "后台任务中断" in page and "data-retry" not in page
    for user in (colleague, outsider):
        client.force_login(user)
        assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    client.force_login(loop.presidium)
    assert client.get(reverse("jobs:retry", args=[job.pk])).status_code == 405
    for name in ("jobs:job", "jobs:progress", "jobs:mine"):
        shown = client.get(
            reverse(name, **({} if name == "jobs:mine" else {"args": [job.pk]}))
        ).content.decode()
        assert "data-retry" in shown and reverse("jobs:retry", args=[job.pk]) in shown, name
    response = client.post(reverse("jobs:retry", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[again.pk])
    assert (again.kind, again.params, again.owner, again.town, again.state) == (
        "toy.town", {"lines": 3}, loop.presidium, loop.town, JobState.QUEUED,
    )  # fmt: skip
    assert client.post(reverse("jobs:retry", args=[job.pk]))["Location"] == response["Location"], "once"
    assert Job.objects.count() == 2
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "data-retry" not in page and "data-retried" in page
    assert client.post(reverse("jobs:retry", args=[again.pk])).status_code == 409, "it has not failed"
    assert services.job_run(job_id=again.pk).state == JobState.DONE


def test_an_owner_who_lost_the_right_cannot_retry(client, loop, kinds):
    job = running("toy.lines", loop.presidium)
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        services.jobs_sweep()
    loop.presidium.role = Role.CITIZEN
    loop.presidium.save()
    client.force_login(loop.presidium)
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 403
    assert Job.objects.count() == 1
