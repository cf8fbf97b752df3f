"""Points follow the presidium's weights; the profile shows the calculation; the report PDF holds Chinese."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from lianxin.duty import selectors, services
from lianxin.duty.kinds import Activity
from lianxin.duty.points import DEFAULT_WEIGHTS

from .factories import local

pytestmark = pytest.mark.django_db


def _work(duty):
    """Two claims, one assignment and one door-to-door visit for the loop's deputy, in March 2026."""
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        duty.loop.claimed()
        duty.loop.assigned()
        services.visit_record(
            actor=duty.loop.deputy,
            kind="door",
            cell=duty.loop.cell,
            done_at=local(2026, 3, 10, 9),
            households=5,
        )


def test_points_follow_the_weights_the_presidium_sets(duty):
    _work(duty)
    record = selectors.deputy_record(user=duty.loop.presidium, deputy=duty.deputy, year=2026)
    w = DEFAULT_WEIGHTS
    expected = 2 * w[Activity.DEMAND_CLAIMED] + w[Activity.DEMAND_ASSIGNED] + w[Activity.VISIT]
    assert record.points.total == expected
    services.weights_save(
        town=duty.loop.town, actor=duty.loop.presidium, weights={"demand_claimed": "5", "visit": "0.5"}
    )
    record = selectors.deputy_record(user=duty.loop.presidium, deputy=duty.deputy, year=2026)
    assert record.points.total == Decimal("10") + w[Activity.DEMAND_ASSIGNED] + Decimal("0.5")
    line = next(li for li in record.points.lines if li.kind == Activity.DEMAND_CLAIMED)
    assert (line.count, line.weight, line.points) == (2, Decimal("5"), Decimal("10"))
    ranks = selectors.rankings(user=duty.loop.presidium, year=2026)
    assert ranks[0][1] == duty.deputy and ranks[0][2] == record.points.total


def test_weights_refuse_bad_input_and_other_roles(duty, client):
    with pytest.raises(ValidationError):
        services.weights_save(town=duty.loop.town, actor=duty.loop.presidium, weights={"visit": "-1"})
    with pytest.raises(PermissionDenied):
        services.weights_save(town=duty.loop.town, actor=duty.loop.deputy, weights={"visit": "9"})
    client.force_login(duty.loop.presidium)
    page = client.post(reverse("duty:weights"), {"visit": "abc"})
    assert page.status_code == 400 and 'value="abc"' in page.content.decode()


def test_profile_full_for_the_deputy_and_presidium_404_for_others_public_part_for_all(duty, client):
    _work(duty)
    url = reverse("duty:profile", args=[duty.deputy.pk]) + "?year=2026"
    for user, status in [(duty.loop.deputy, 200), (duty.loop.presidium, 200), (duty.loop.other_deputy, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status
    client.logout()
    with time_machine.travel(local(2026, 6, 1, 10), tick=False):
        public = client.get(
            reverse("portal:deputy", args=[duty.loop.town.code, duty.deputy.pk])
        ).content.decode()
    assert "data-duty-public" in public and 'data-figure="points"' in public
    assert "小区门口积水" not in public  # counts only, no summaries


def test_the_annual_report_pdf_holds_chinese_and_the_deputys_own_words(duty, client):
    _work(duty)
    services.report_save_text(
        deputy=duty.deputy, year=2026, actor=duty.loop.deputy, text="今年我坚持每周进站接待群众。"
    )
    with pytest.raises(PermissionDenied):
        services.report_save_text(deputy=duty.deputy, year=2026, actor=duty.loop.presidium, text="x")
    client.force_login(duty.loop.deputy)
    response = client.get(reverse("duty:report_pdf", args=[duty.deputy.pk]) + "?year=2026")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert duty.deputy.name in text
    assert "今年我坚持每周进站接待群众" in text
    assert "小区门口积水" in text  # the demand handled, from the record
