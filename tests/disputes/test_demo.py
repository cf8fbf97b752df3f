"""The demo town's dispute ledger is of the case's order (50+ resolved, 10+ petition risks removed, hearings,
supervision seats), replayed through the services, and its pages show it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianxin.core.models import Town
from lianxin.disputes.models import RESOLVED, Dispute, DisputeDemand, DisputeEvent, Hearing, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def chengguan(demo_town):
    return Town.objects.get(name="城关镇")


def test_the_demo_ledger_has_the_cases_figures(chengguan):
    disputes = Dispute.objects.filter(town=chengguan)
    resolved = disputes.filter(status__in=RESOLVED, agreement__isnull=False).count()
    assert resolved >= 50
    removed = DisputeEvent.objects.filter(town=chengguan, action="clear_petition").count()
    assert removed >= 10
    held = Hearing.objects.filter(town=chengguan, status="held")
    assert held.count() >= 2 and all(h.deputies.exists() and h.conclusion for h in held)
    seats = Session.objects.filter(town=chengguan, supervisor__isnull=False)
    assert seats.count() >= 20 and seats.exclude(supervisor_remarks="").exists()
    assert {"origin", "raised"} <= set(
        DisputeDemand.objects.filter(town=chengguan).values_list("direction", flat=True)
    )
    # Every dispute got there through the services: each has its registration event.
    assert DisputeEvent.objects.filter(town=chengguan, action="register").count() == disputes.count()


def test_the_demo_logins_see_their_desks(client, demo_user, chengguan):
    client.force_login(demo_user("mediator"))
    page = client.get(reverse("disputes:index"))
    assert page.status_code == 200 and page.context["page"].paginator.count == 70
    client.force_login(demo_user("presidium"))
    page = client.get(reverse("disputes:hearings")).content.decode()
    assert page.count("data-hearing=") >= 4
    client.force_login(demo_user("county"))
    assert client.get(reverse("disputes:analysis"), {"month": "2026-05"}).context["rows"]
