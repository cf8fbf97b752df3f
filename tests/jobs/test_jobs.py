"""The one job app: a kind registered through an app's kit runs in the worker with its progress and heartbeat,
leaves a stored file (never bytes in the database), and its owner alone reads the page and the file."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.core.kit import kit
from lianxin.jobs import services
from lianxin.jobs.kinds import JobKind
from lianxin.jobs.models import Job, JobState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


def write_lines(step):
    """A toy kind: three lines of text, one step each."""
    RUNS.append(step.job.pk)
    lines = step.job.params.get("lines", ["一", "二", "三"])
    step.progress(0, len(lines))
    with open(step.path("txt"), "w", encoding="utf-8") as out:
        for i, line in enumerate(lines, 1):
            if line == "boom":
                raise ValueError("第二行无法写入")
            out.write(line + "\n")
            step.progress(i)
    step.report(lines=len(lines))


def open_to_the_town(user, job) -> bool:
    return job.owner_id == user.pk or (
        job.town_id is not None and job.town_id == getattr(user, "town_id", None)
    )


@pytest.fixture
def kinds(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    toy = kit("jobs_toy")
    toy.add(
        "jobs",
        JobKind(kind="toy.lines", label="lines", run=write_lines, mimetype="text/plain", download="Download"),
        JobKind(kind="toy.kept", label="kept", run=write_lines, download="Download", expires=False),
        JobKind(
            kind="toy.shared", label="shared", run=write_lines, download="Download", may_read=open_to_the_town
        ),
    )
    RUNS.clear()
    yield toy
    toy.jobs.clear()


def test_a_job_runs_once_with_its_progress_and_leaves_a_stored_file(client, loop, kinds):
    job = services.job_start(kind="toy.lines", title="三行", owner=loop.presidium)
    assert job.state == JobState.QUEUED and job.heartbeat_at is None
    job = services.job_run(job_id=job.pk)
    assert job.state == JobState.DONE and job.done == job.total == 3 and job.percent == 100
    assert job.started_at and job.heartbeat_at and job.finished_at and job.result == {"lines": 3}
    assert job.file.name.startswith("jobs/") and job.file.name.endswith(".txt")
    assert services.job_run(job_id=job.pk).state == JobState.DONE and [job.pk] == RUNS, "ran once"
    client.force_login(loop.presidium)
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"] and response["Content-Type"] == "text/plain"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.decode() == "一\n二\n三\n"
    box = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in box and "data-download" in box and ">100%<" in box


def test_only_the_owner_reads_a_job(client, loop, kinds, outsider):
    job = services.job_run(job_id=services.job_start(kind="toy.lines", title="三行", owner=loop.presidium).pk)
    colleague = UserFactory(role=loop.presidium.role, town=loop.town)
    for user in (colleague, outsider):
        client.force_login(user)
        for name in ("jobs:job", "jobs:progress", "jobs:file"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert reverse("jobs:job", args=[job.pk]) not in client.get(reverse("jobs:mine")).content.decode()
    client.logout()
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 302  # to sign in


def test_a_kind_may_open_its_jobs_to_more_readers(client, loop, kinds, outsider):
    job = services.job_start(kind="toy.shared", title="全镇", owner=loop.presidium, town=loop.town)
    services.job_run(job_id=job.pk)
    client.force_login(UserFactory(role=loop.presidium.role, town=loop.town))
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def test_a_failed_run_keeps_no_file_and_says_why(client, loop, kinds, tmp_path):
    job = services.job_start(
        kind="toy.lines", title="坏", owner=loop.presidium, params={"lines": ["一", "boom"]}
    )
    with pytest.raises(ValueError):
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "第二行无法写入" and not job.file and job.done == 1
    written = [f for _root, _dirs, files in os.walk(tmp_path) for f in files]
    assert written == [], "the half-written file is removed"
    client.force_login(loop.presidium)
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "第二行无法写入" in page and "hx-trigger" not in page and "data-download" not in page
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def test_a_queued_job_is_polled(client, loop, kinds):
    job = services.job_start(kind="toy.lines", title="三行", owner=loop.presidium, total=3)
    client.force_login(loop.presidium)
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and reverse("jobs:progress", args=[job.pk]) in page
    assert "0 / 3 行" in page and "data-download" not in page
    assert 'name="viewport"' in page  # the base page is laid out for a phone


def test_an_unknown_kind_is_refused_when_asked(loop, kinds):
    with pytest.raises(KeyError):
        services.job_start(kind="toy.nothing", title="?", owner=loop.presidium)
    assert not Job.objects.exists()


def test_old_files_go_but_kept_kinds_stay(loop, kinds):
    gone = services.job_run(job_id=services.job_start(kind="toy.lines", title="a", owner=loop.presidium).pk)
    kept = services.job_run(job_id=services.job_start(kind="toy.kept", title="b", owner=loop.presidium).pk)
    assert services.jobs_clean() == 0
    assert services.jobs_clean(at=timezone.now() + dt.timedelta(days=8)) == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.state == JobState.EXPIRED and not gone.file
    assert kept.state == JobState.DONE and os.path.exists(kept.file.path)


def test_the_database_refuses_an_unknown_state(loop):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="toy.lines", title="x", owner=loop.presidium, state="lost")


def test_no_model_keeps_file_contents_in_the_database():
    from django.apps import apps
    from django.db import models

    binary = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.BinaryField)
    ]
    # The one left is intake's trained classifier: data the worker loads, not a file anyone downloads.
    assert binary == ["intake.IntakeModel.pipeline"]
