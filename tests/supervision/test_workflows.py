"""Every move of the project, vote and suggestion tables: the allowed path, each role that must be refused,
and the wrong state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianxin.core.workflow import TransitionError
from lianxin.supervision import services
from lianxin.supervision.models import Project, ProjectEvent, Suggestion, VoteSession
from lianxin.supervision.workflow import NOT_ON_PAGES, PROJECTS, SUGGESTIONS, VOTES

from ..core.test_uploads import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

PERSONAS = ["citizen", "deputy", "other_deputy", "staff", "other_staff", "presidium", "outsider"]


def _who(sup: Any, persona: str, outsider: Any) -> Any:
    return outsider if persona == "outsider" else getattr(sup.loop, persona)


def _project_call(action: str, sup: Any, project: Project, actor: Any) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "start": lambda: services.project_start(
            project=project,
            actor=actor,
            department=sup.loop.department,
            budget=100,
            supervisors=[sup.loop.deputy.deputy],
        ),
        "add_milestone": lambda: services.project_add_milestone(
            project=project, actor=actor, title="招标", due_on=dt.date(2026, 5, 1)
        ),
        "report_milestone": lambda: services.project_report_milestone(
            project=project,
            actor=actor,
            milestone=project.milestones.first(),
            done_on=dt.date(2026, 5, 2),
            evidence="中标公示",
            progress=30,
        ),
        "inspect": lambda: services.inspection_record(
            project=project,
            actor=actor,
            on=dt.date(2026, 6, 1),
            findings="进度正常",
            deputies=[sup.loop.other_deputy.deputy],
        ),
        "complete": lambda: services.project_complete(project=project, actor=actor, result="完工"),
        "rate": lambda: services.project_rate(project=project, actor=actor, verdict="basically"),
        "conclude": lambda: services.project_conclude(project=project, actor=actor),
        "carry_over": lambda: services.project_carry_over(project=project, actor=actor, reason="跨年工程"),
    }
    return calls[action]()


# action → (state builder, expected status after, personas allowed)
PROJECT_CASES: dict[str, tuple[str, str, set[str]]] = {
    "start": ("adopted", "underway", {"presidium"}),
    "add_milestone": ("underway", "underway", {"staff", "presidium"}),
    "report_milestone": ("with_milestone", "underway", {"staff", "presidium"}),
    "inspect": ("underway", "underway", {"deputy", "presidium"}),
    "complete": ("underway", "completed", {"staff", "presidium"}),
    "rate": ("completed", "completed", {"deputy", "other_deputy"}),
    "conclude": ("rated", "done", {"presidium"}),
    "carry_over": ("underway", "underway", {"presidium"}),
}


def test_every_page_move_has_a_case():
    assert set(PROJECTS.moves) - NOT_ON_PAGES == set(PROJECT_CASES)


@pytest.mark.parametrize("action", sorted(PROJECT_CASES))
def test_project_move(sup, outsider, action):
    """Each refused persona on one object (a refusal changes nothing), then each allowed one on its own."""
    state, after, allowed = PROJECT_CASES[action]
    project = getattr(sup, state)()
    for persona in sorted(set(PERSONAS) - allowed):
        with pytest.raises(PermissionDenied):
            _project_call(action, sup, project, _who(sup, persona, outsider))
    for persona in sorted(allowed):
        project = getattr(sup, state)(title=f"{action}-{persona}")
        _project_call(action, sup, project, _who(sup, persona, outsider))
        project.refresh_from_db()
        assert project.status == after, persona
        assert ProjectEvent.objects.filter(project=project, action=action).exists()


@pytest.mark.parametrize("action", ["start", "complete", "conclude", "rate"])
def test_project_move_from_the_wrong_state_is_refused(sup, action):
    project = sup.candidate()
    actor = sup.loop.deputy if action == "rate" else sup.loop.presidium
    with pytest.raises(TransitionError):
        _project_call(action, sup, project, actor)


def test_inspection_carries_the_other_deputies_and_photos(sup, loop):
    from lianxin.core.events import DomainEvent, subscribe, unsubscribe
    from lianxin.supervision.events import ProjectKind

    seen: list[DomainEvent] = []
    listener = subscribe(ProjectKind.INSPECT)(seen.append)
    try:
        project = sup.underway()
        inspection = services.inspection_record(
            project=project,
            actor=loop.deputy,
            on=dt.date(2026, 6, 1),
            findings="井盖缺失两处",
            deputies=[loop.other_deputy.deputy],
            photos=[upload("现场.jpg", jpeg_bytes(), "image/jpeg")],
        )
    finally:
        unsubscribe(listener)
    assert seen[0].data["deputies"] == [loop.other_deputy.deputy.pk]
    assert set(inspection.deputies.all()) == {loop.deputy.deputy, loop.other_deputy.deputy}
    assert inspection.photos.count() == 1


def test_unsatisfied_deputies_send_the_project_back_to_work(sup, loop):
    project = sup.completed()
    services.project_rate(project=project, actor=loop.deputy, verdict="unsatisfied")
    services.project_rate(
        project=Project.objects.get(pk=project.pk), actor=loop.other_deputy, verdict="unsatisfied"
    )
    project = services.project_conclude(project=Project.objects.get(pk=project.pk), actor=loop.presidium)
    assert project.status == "underway"


def test_a_deputy_rates_once(sup, loop):
    project = sup.rated()
    with pytest.raises(PermissionDenied):
        services.project_rate(project=project, actor=loop.deputy, verdict="satisfied")


def test_carry_over_moves_the_project_to_next_year(sup, loop):
    project = services.project_carry_over(project=sup.underway(), actor=loop.presidium, reason="冬季停工")
    assert (project.year, project.carried_from) == (2027, 2026)


# --- the vote --------------------------------------------------------------------------------------------
def test_vote_cast(sup, loop, outsider):
    project = sup.voting()
    session = project.session
    for persona in ["citizen", "staff", "other_staff", "outsider"]:
        with pytest.raises(PermissionDenied):
            services.vote_cast(
                session=session, actor=_who(sup, persona, outsider), choices={project.pk: "for"}
            )
    services.vote_cast(session=session, actor=loop.deputy, choices={project.pk: "for"})
    with pytest.raises(PermissionDenied):  # once
        services.vote_cast(session=session, actor=loop.deputy, choices={project.pk: "against"})
    with pytest.raises(ValidationError):  # nor by the presidium on their behalf
        services.vote_cast(
            session=session, actor=loop.presidium, choices={project.pk: "for"}, deputy=loop.deputy.deputy
        )
    services.vote_cast(
        session=session,
        actor=loop.presidium,
        choices={project.pk: "against"},
        deputy=loop.other_deputy.deputy,
    )
    assert session.ballots.count() == 2
    event = session.events.filter(action="cast").last()
    assert event.actor == loop.presidium


def test_a_county_deputy_does_not_vote_in_the_town_congress(sup, loop):
    project = sup.voting()
    loop.deputy.deputy.level = "county"
    loop.deputy.deputy.save()
    with pytest.raises(PermissionDenied):
        services.vote_cast(session=project.session, actor=loop.deputy, choices={project.pk: "for"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_vote_count(sup, outsider, persona):
    project = sup.voting()
    session = project.session
    for deputy in (sup.loop.deputy, sup.loop.other_deputy):  # a quorum in: more than half of the deputies
        services.vote_cast(session=session, actor=deputy, choices={project.pk: "for"})
    session = VoteSession.objects.get(pk=session.pk)
    actor = _who(sup, persona, outsider)
    if persona == "presidium":
        assert services.vote_count(session=session, actor=actor).status == "counted"
        with pytest.raises(TransitionError):
            services.vote_count(session=VoteSession.objects.get(pk=session.pk), actor=actor)
    else:
        with pytest.raises(PermissionDenied):
            services.vote_count(session=session, actor=actor)


def test_a_ballot_must_choose_for_every_candidate(sup, loop):
    a, b = sup.candidate("甲"), sup.candidate("乙")
    session = sup.session(a, b)
    with pytest.raises(ValidationError):
        services.vote_cast(session=session, actor=loop.deputy, choices={a.pk: "for"})


def test_vote_tables_are_complete():
    assert set(VOTES.moves) == {"cast", "tally", "count"}
    assert set(SUGGESTIONS.moves) == {"submit", "reply", "handle", "evaluate"}


# --- suggestions -------------------------------------------------------------------------------------------
def _suggestion_call(action: str, s: Suggestion, actor: Any) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "submit": lambda: services.suggestion_submit(suggestion=s, actor=actor, title=s.title, body="建议"),
        "reply": lambda: services.suggestion_reply(
            suggestion=s, actor=actor, reply_from="县交通局", reply="研究"
        ),
        "handle": lambda: services.suggestion_handle(suggestion=s, actor=actor, handling="已立项"),
        "evaluate": lambda: services.suggestion_evaluate(suggestion=s, actor=actor, verdict="satisfied"),
    }
    return calls[action]()


SUGGESTION_CASES: dict[str, tuple[str, str, set[str]]] = {
    "submit": ("draft", "submitted", {"deputy", "presidium"}),
    "reply": ("submitted", "replied", {"deputy", "presidium"}),
    "handle": ("replied", "handled", {"deputy", "presidium"}),
    "evaluate": ("handled", "closed", {"deputy"}),
}


@pytest.mark.parametrize("action", sorted(SUGGESTION_CASES))
def test_suggestion_move(sup, outsider, action):
    state, after, allowed = SUGGESTION_CASES[action]
    s = getattr(sup, state)()
    for persona in sorted(set(PERSONAS) - allowed):
        with pytest.raises(PermissionDenied):
            _suggestion_call(action, s, _who(sup, persona, outsider))
    for persona in sorted(allowed):
        s = getattr(sup, state)()
        assert _suggestion_call(action, s, _who(sup, persona, outsider)).status == after


def test_suggestion_from_the_wrong_state_is_refused(sup, loop):
    with pytest.raises(TransitionError):
        services.suggestion_reply(suggestion=sup.draft(), actor=loop.presidium, reply_from="县", reply="好")
