"""Issue 23, item 4: an export is downloaded only while its owner still holds the right that made it and the
scope its rows were read under; otherwise the file, the job's page and its progress are a 404, in the same
session and after a new sign-in alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.exports import services
from lianxin.jobs.models import Job
from lianxin.people.models import DepartmentStaff, DeputyCell
from tests.factories import TownFactory

pytestmark = pytest.mark.django_db

PAGES = ("jobs:file", "exports:file", "jobs:job", "jobs:progress")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    return settings


def exported(user, list_name: str = "problem") -> Job:
    job = services.export_start(
        kind="demands.list", params={"list": list_name, "filters": {}}, title="清单", actor=user
    )
    return services.export_run(job_id=job.pk)


def answers(client: Client, job: Job) -> set[int]:
    return {client.get(reverse(name, args=[job.pk])).status_code for name in PAGES}


def fresh_client(user) -> Client:
    client = Client()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def test_a_presidium_export_stops_when_the_account_becomes_an_observer(client, loop, media):
    loop.recorded()
    job = exported(loop.presidium)
    client.force_login(loop.presidium)
    assert answers(client, job) == {200}
    loop.presidium.role = Role.OBSERVER
    loop.presidium.save(update_fields=["role"])
    assert answers(client, job) == {404}, "the same session"
    assert answers(fresh_client(loop.presidium), job) == {404}, "a new sign-in"
    loop.presidium.role = Role.PRESIDIUM
    loop.presidium.save(update_fields=["role"])
    assert answers(client, job) == {200}, "the right given back, the file is theirs again"


def test_a_department_export_stops_when_the_staff_moves_to_another_department(client, loop, media):
    loop.assigned()
    job = exported(loop.staff, "assignment")
    client.force_login(loop.staff)
    assert answers(client, job) == {200}
    other = DepartmentStaff.objects.get(user=loop.other_staff).department
    DepartmentStaff.objects.filter(user=loop.staff).update(department=other)
    assert answers(client, job) == {404}
    assert answers(fresh_client(loop.staff), job) == {404}


def test_a_deputy_export_stops_when_the_deputy_serves_other_cells(client, loop, media):
    loop.recorded()
    job = exported(loop.deputy)
    client.force_login(loop.deputy)
    assert answers(client, job) == {200}
    DeputyCell.objects.filter(deputy__user=loop.deputy).delete()
    assert answers(client, job) == {404}


def test_an_export_stops_when_the_owner_moves_to_another_town(client, loop, media):
    loop.recorded()
    job = exported(loop.presidium)
    assert job.town_id == loop.town.pk
    loop.presidium.town = TownFactory()
    loop.presidium.save(update_fields=["town"])
    client.force_login(loop.presidium)
    assert answers(client, job) == {404}


def test_an_export_is_started_only_with_the_right_to_make_it(loop, media):
    with pytest.raises(PermissionDenied):
        services.export_start(kind="audit.entries", params={}, title="audit", actor=loop.deputy)
    with pytest.raises(PermissionDenied):
        services.export_start(
            kind="demands.list", params={"list": "problem", "filters": {}}, title="x", actor=loop.citizen
        )
    assert not Job.objects.exists()
