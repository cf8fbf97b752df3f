"""The demo town shows the case's figures of supervision, through the pages."""

from __future__ import annotations

import re

import pytest

from lianxin.core.models import Town
from lianxin.supervision.models import Suggestion, Theme
from lianxin.tracking.models import TrackedItem

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">(\d+)<', html)
    assert found, name
    return int(found.group(1))


def test_the_case_figures(demo_town, demo_user, client):
    town = Town.objects.order_by("pk").first()
    public = client.get(f"/supervision/public/{town.code}/projects/").content.decode()
    assert (_figure(public, "voted"), _figure(public, "done")) == (18, 11)

    client.force_login(demo_user("presidium"))
    page = client.get("/supervision/inquiries/").content.decode()
    assert _figure(page, "inquiries") >= 10
    assert (_figure(page, "households"), _figure(page, "certificates")) == (147, 415)
    assert _figure(page, "job_fairs") == 3 and _figure(page, "vacancies") >= 2000

    themes = client.get("/supervision/themes/").content.decode()
    assert "环境卫生问题专题督导" in themes
    theme = Theme.objects.get(town=town)
    assert theme.tonnes_cleared >= 20 and theme.days == 3 and theme.mechanism

    industry = client.get("/supervision/industry/").content.decode()
    assert _figure(industry, "enterprises") >= 30
    assert (_figure(industry, "department_talk"), _figure(industry, "exchange_trip")) == (4, 1)
    assert _figure(industry, "school_agreement") == 3
    assert _figure(industry, "jobs_added") >= 300 and _figure(industry, "donation_yuan") >= 300000
    assert "1390373" not in industry  # no contact phone on the list

    assert Suggestion.objects.filter(town=town).exclude(reply="").count() >= 2
    assert TrackedItem.objects.filter(town=town, origin="inquiry").count() >= 10
