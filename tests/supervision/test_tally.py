"""Vote day (issue 26, item 4): the paper tally sheet entered as one form, checked as a whole; counting asks for
confirmation, says how many ballots are in and refuses below the quorum; the ballot one by one still works."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianxin.audit.models import AuditEntry
from lianxin.people.models import Deputy
from lianxin.supervision import services
from lianxin.supervision.models import Project, VoteSession

from ..factories import DeputyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(sup, loop):
    """Two candidates before a congress of 10 township deputies (the loop's two and eight more)."""
    for _ in range(8):
        DeputyFactory(town=loop.town)
    a, b = sup.candidate("老旧小区雨污分流"), sup.candidate("村道路灯")
    session = sup.session(a, b)
    assert session.electorate == 10
    return session, a, b


def _sheet(session, ballots, lines, confirm=False):
    data = {"tally-ballots": str(ballots)}
    for project, (yes, no, abstain) in lines.items():
        data |= {f"tally-p{project.pk}_for": yes, f"tally-p{project.pk}_against": no,
                 f"tally-p{project.pk}_abstain": abstain}  # fmt: skip
    return data


def test_the_tally_sheet_and_a_ballot_cast_alone_are_counted_together(sitting, loop):
    session, a, b = sitting
    services.vote_tally(
        session=session,
        actor=loop.presidium,
        ballots=7,
        lines={a.pk: {"for": 6, "against": 1, "abstain": 0}, b.pk: {"for": 2, "against": 4, "abstain": 1}},
    )
    services.vote_cast(session=session, actor=loop.deputy, choices={a.pk: "for", b.pk: "for"})
    session = VoteSession.objects.get(pk=session.pk)
    assert (session.ballots_in, session.tally_by, session.quorum) == (8, loop.presidium, 6)
    services.vote_count(session=session, actor=loop.presidium)
    a, b = Project.objects.get(pk=a.pk), Project.objects.get(pk=b.pk)
    assert (a.status, a.votes_for, a.votes_against, a.votes_abstain) == ("adopted", 7, 1, 0)
    assert (b.status, b.votes_for, b.votes_against, b.votes_abstain) == ("rejected", 3, 4, 1)
    (entry,) = AuditEntry.objects.filter(action="supervision.tally")  # who entered the sheet, audited
    assert entry.user_id == loop.presidium.pk
    assert session.events.get(action="tally").actor == loop.presidium


def test_the_sheet_is_checked_as_a_whole(sitting, loop, sup):
    session, a, b = sitting
    fine = {"for": 1, "against": 0, "abstain": 0}
    with pytest.raises(ValidationError) as over:
        services.vote_tally(
            session=session, actor=loop.presidium, ballots=5,
            lines={a.pk: {"for": 4, "against": 1, "abstain": 1}, b.pk: fine},
        )  # fmt: skip
    assert list(over.value.message_dict) == [f"p{a.pk}_for"]
    services.vote_cast(session=session, actor=loop.deputy, choices={a.pk: "for", b.pk: "for"})
    with pytest.raises(ValidationError) as too_many:  # 10 on paper and 1 cast: more than the 10 entitled
        services.vote_tally(session=session, actor=loop.presidium, ballots=10, lines={a.pk: fine, b.pk: fine})
    assert list(too_many.value.message_dict) == ["ballots"]
    with pytest.raises(PermissionDenied):  # the office enters the sheet, not a deputy
        services.vote_tally(session=session, actor=loop.deputy, ballots=1, lines={a.pk: fine, b.pk: fine})


def test_counting_is_refused_below_the_quorum(sitting, loop):
    """The result was once published counted on 3 ballots of 60."""
    session, a, b = sitting
    for deputy in Deputy.objects.filter(town=loop.town, level="township").order_by("pk")[:5]:
        services.vote_cast(
            session=session, actor=loop.presidium, choices={a.pk: "for", b.pk: "for"}, deputy=deputy
        )
    with pytest.raises(ValidationError, match="5"):
        services.vote_count(session=VoteSession.objects.get(pk=session.pk), actor=loop.presidium)
    assert VoteSession.objects.get(pk=session.pk).status == "open"
    assert Project.objects.get(pk=a.pk).status == "voting"


def test_the_page_keeps_what_was_typed_and_says_what_is_wrong(client, sitting, loop):
    session, a, b = sitting
    client.force_login(loop.presidium)
    url = reverse("supervision:vote_act", args=[session.pk, "tally"])
    page = client.get(reverse("supervision:vote", args=[session.pk])).content.decode()
    assert f'data-tally-project="{a.pk}"' in page and 'name="tally-ballots"' in page
    bad = client.post(url, _sheet(session, 6, {a: (5, 1, 1), b: (1, 1, 1)}))
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "老旧小区雨污分流：5 票赞成、1 票反对、1 票弃权，共 7 票，多于计入的 6 张选票" in text
    assert f'name="tally-p{a.pk}_for" value="5"' in text and 'name="tally-ballots" value="6"' in text
    too_many = client.post(url, _sheet(session, 11, {a: (1, 0, 0), b: (1, 0, 0)}))
    assert too_many.status_code == 400 and "10" in too_many.content.decode()
    client.cookies["django_language"] = "en"
    english = client.post(url, _sheet(session, 6, {a: (5, 1, 1), b: (1, 1, 1)}), HTTP_ACCEPT_LANGUAGE="en")
    assert "make 7, more than the 6 ballots counted" in english.content.decode()
    good = client.post(url, _sheet(session, 6, {a: (5, 1, 0), b: (2, 3, 1)}), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert good.status_code == 302
    page = client.get(reverse("supervision:vote", args=[session.pk])).content.decode()
    assert '<b data-figure="voters">6</b>' in page and '<b data-figure="quorum">6</b>' in page


def test_counting_asks_for_confirmation_and_shows_the_ballots_in(client, sitting, loop):
    session, a, b = sitting
    client.force_login(loop.presidium)
    count = reverse("supervision:vote_act", args=[session.pk, "count"])
    services.vote_tally(
        session=session, actor=loop.presidium, ballots=3,
        lines={a.pk: {"for": 3, "against": 0, "abstain": 0}, b.pk: {"for": 3, "against": 0, "abstain": 0}},
    )  # fmt: skip
    page = client.get(reverse("supervision:vote", args=[session.pk])).content.decode()
    assert "3 of 10" in page or "已收到 10 名有表决权代表中 3 名的选票" in page
    assert "data-below-quorum" in page
    unconfirmed = client.post(count, {})
    assert unconfirmed.status_code == 400 and VoteSession.objects.get(pk=session.pk).status == "open"
    below = client.post(count, {"count-confirm": "on"})
    assert below.status_code == 400 and "至少需要 6 张" in below.content.decode()
    services.vote_tally(
        session=session, actor=loop.presidium, ballots=8,
        lines={a.pk: {"for": 8, "against": 0, "abstain": 0}, b.pk: {"for": 3, "against": 5, "abstain": 0}},
    )  # fmt: skip
    assert client.post(count, {"count-confirm": "on"}).status_code == 302
    assert (
        Project.objects.get(pk=a.pk).status == "adopted" and Project.objects.get(pk=b.pk).status == "rejected"
    )
