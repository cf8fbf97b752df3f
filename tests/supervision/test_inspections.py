"""Inspections (视察): one service, one form, one list for a project's and a theme's, through both pages."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxin.core.events import DomainEvent, subscribe, unsubscribe
from lianxin.supervision import selectors, services
from lianxin.supervision.events import ProjectKind, ThemeKind
from lianxin.supervision.models import Inspection

pytestmark = pytest.mark.django_db


def _post(client, url, findings, deputy):
    action = url.rstrip("/").rsplit("/", 1)[1]  # the move's form takes its name as prefix
    data = {"on": "2026-06-03", "findings": findings, "deputies": [deputy.pk]}
    return client.post(url, {f"{action}-{k}": v for k, v in data.items()})


def test_both_pages_record_through_the_one_form_and_list_only_their_own(sup, loop, client):
    project, theme = sup.underway(), sup.begun()
    client.force_login(loop.deputy)
    other = loop.other_deputy.deputy
    for url, findings in (
        (f"/supervision/projects/{project.pk}/inspect/", "护栏缺失"),
        (f"/supervision/themes/{theme.pk}/inspect_theme/", "河道漂浮物"),
    ):
        assert _post(client, url, findings, other).status_code == 302
    on_project = Inspection.objects.get(project=project)
    on_theme = Inspection.objects.get(theme=theme)
    assert (on_project.findings, on_project.theme_id) == ("护栏缺失", None)
    assert (on_theme.findings, on_theme.project_id) == ("河道漂浮物", None)
    assert on_theme.lead == loop.deputy.deputy and set(on_theme.deputies.all()) == {loop.deputy.deputy, other}
    project_page = client.get(f"/supervision/projects/{project.pk}/").content.decode()
    theme_page = client.get(f"/supervision/themes/{theme.pk}/").content.decode()
    assert f'data-inspection="{on_project.pk}"' in project_page and "护栏缺失" in project_page
    assert f'data-inspection="{on_theme.pk}"' not in project_page
    assert f'data-inspection="{on_theme.pk}"' in theme_page and "河道漂浮物" in theme_page
    assert f'data-inspection="{on_project.pk}"' not in theme_page
    assert list(selectors.inspections(theme, user=loop.deputy)) == [on_theme]


def test_a_theme_inspection_publishes_its_own_kind_with_the_other_deputies(sup, loop):
    seen: list[DomainEvent] = []
    listeners = [subscribe(ThemeKind.INSPECT_THEME)(seen.append), subscribe(ProjectKind.INSPECT)(seen.append)]
    try:
        theme = sup.begun()
        inspection = services.inspection_record(
            theme=theme,
            actor=loop.deputy,
            on=dt.date(2026, 6, 2),
            findings="垃圾堆积",
            deputies=[loop.other_deputy.deputy],
        )
    finally:
        for listener in listeners:
            unsubscribe(listener)
    assert [e.kind for e in seen] == [ThemeKind.INSPECT_THEME]
    assert seen[0].data == {"deputies": [loop.other_deputy.deputy.pk], "inspection": inspection.pk}
    theme.refresh_from_db()
    assert theme.status == "underway", "an inspection leaves the status where it is"


def test_an_inspection_is_of_one_subject(sup, loop):
    project, theme = sup.underway(), sup.begun()
    for subjects in ({}, {"project": project, "theme": theme}):
        with pytest.raises(ValueError):
            services.inspection_record(actor=loop.deputy, on=dt.date(2026, 6, 2), findings="x", **subjects)
    assert not Inspection.objects.exists()
