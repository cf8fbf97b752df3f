"""The congress's vote: each deputy's ballot counted under the session's adoption rule."""

from __future__ import annotations

import pytest

from lianxin.people.models import Deputy
from lianxin.supervision import services
from lianxin.supervision.models import Project, VoteSession

from ..factories import DeputyFactory

pytestmark = pytest.mark.django_db

# rule, ballots in favour, ballots against (the rest of the 9 deputies do not vote), adopted?
CASES = [
    ("majority_of_all", 5, 0, True),  # 5 of 9: more than half of all
    ("majority_of_all", 4, 1, False),  # 4 of 9 (a quorum of 5 voted): not more than half of all
    ("majority_of_voters", 4, 2, True),  # 4 of 6 who voted
    ("majority_of_voters", 3, 3, False),  # a tie is not more than half
    ("two_thirds_of_all", 6, 3, True),  # 6 of 9
    ("two_thirds_of_all", 5, 4, False),
]


@pytest.mark.parametrize(("rule", "yes", "no", "adopted"), CASES)
def test_the_rule_decides(sup, loop, rule, yes, no, adopted):
    for _ in range(7):  # 9 township deputies in all
        DeputyFactory(town=loop.town)
    DeputyFactory(town=loop.town, level="county")  # not of the town congress: not counted
    project = sup.candidate()
    session = sup.session(project, rule=rule)
    assert session.electorate == 9
    voters = list(Deputy.objects.filter(town=loop.town, level="township").order_by("pk"))
    for i, deputy in enumerate(voters[: yes + no]):
        choice = "for" if i < yes else "against"
        services.vote_cast(session=session, actor=loop.presidium, choices={project.pk: choice}, deputy=deputy)
    services.vote_count(session=VoteSession.objects.get(pk=session.pk), actor=loop.presidium)
    project = Project.objects.get(pk=project.pk)
    assert project.status == ("adopted" if adopted else "rejected")
    assert (project.votes_for, project.votes_against) == (yes, no)


def test_results_are_on_the_public_page_and_ballots_are_not(sup, loop, client):
    adopted = sup.adopted()
    candidate = sup.candidate("尚未票决的项目")
    page = client.get(f"/supervision/public/{loop.town.code}/projects/")
    text = page.content.decode()
    assert adopted.title in text and candidate.title not in text
    assert f'data-project="{adopted.pk}" data-votes-for="2"' in text
    assert client.get(f"/supervision/public/{loop.town.code}/projects/{candidate.pk}/").status_code == 404
    detail = client.get(f"/supervision/public/{loop.town.code}/projects/{adopted.pk}/")
    assert detail.status_code == 200
    assert loop.deputy.deputy.name not in detail.content.decode()
