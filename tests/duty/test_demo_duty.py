"""The demo town: every deputy has a year of duty, and it came from events."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from lianxin.duty.models import DutyEntry, Shift
from lianxin.people.models import Deputy

pytestmark = pytest.mark.django_db


def test_every_demo_deputy_has_a_year_of_duty_from_events(demo_town, demo_user, client):
    town = demo_user("presidium").town
    deputies = Deputy.objects.filter(town=town)
    with_entries = set(DutyEntry.objects.filter(town=town).values_list("deputy_id", flat=True))
    assert with_entries == set(deputies.values_list("pk", flat=True))
    me = demo_user("deputy").deputy
    mine = DutyEntry.objects.filter(deputy=me)
    months = {(e.at.year, e.at.month) for e in mine}
    assert len(months) >= 4 and mine.values("kind").distinct().count() >= 4
    for entry in mine:  # every entry points at the event row it came from
        model = apps.get_model(entry.source)
        assert model.objects.filter(pk=entry.source_id).exists()
    assert Shift.objects.filter(
        town=town, status="scheduled", ends_at__lt=Shift.objects.latest("ends_at").starts_at
    ).exists()
    client.force_login(demo_user("deputy"))
    page = client.get(reverse("duty:profile", args=[me.pk]) + "?year=2026")
    assert page.status_code == 200 and 'data-entry="station_duty"' in page.content.decode()
