"""Every write of deputies' supervision. Each move is one function: it checks right, state and input, then
makes the move through the workflow core (``flow.check`` then ``flow.transition``). Who is told of what is
``notices.py``; the duty record reads ``data["deputies"]`` on each event a deputy takes part in."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.uploads import CheckedFile, clean_photo
from lianxin.core.workflow import TransitionError, Workflow, workflow_of
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station, StationKind

from .events import (
    IndustryKind,
    InquiryKind,
    PlanItemKind,
    PlanKind,
    ProjectKind,
    SuggestionKind,
    ThemeKind,
    VoteKind,
)
from .models import (
    UPWARD_LEVELS,
    Ballot,
    BallotChoice,
    Enterprise,
    EnterpriseDemand,
    IndustryEventKind,
    InquirySession,
    Inspection,
    InspectionPhoto,
    Milestone,
    PlanItem,
    PlanItemKindChoice,
    PlanItemStatus,
    PlanStatus,
    Project,
    ProjectSource,
    ProjectStatus,
    Question,
    Satisfaction,
    SatisfactionVote,
    SessionKind,
    StationEvent,
    Suggestion,
    SuggestionDemand,
    SuggestionStatus,
    SupervisionPlan,
    Theme,
    VoteChoice,
    VoteRule,
    VoteSession,
)
from .permissions import deputy_of

PK = ProjectKind
PS = ProjectStatus


def _projects() -> Workflow:
    return workflow_of(Project)


def _votes() -> Workflow:
    return workflow_of(VoteSession)


def _suggestions() -> Workflow:
    return workflow_of(Suggestion)


def others(actor: Any, deputies: Iterable[Any]) -> list[int]:
    """The primary keys of ``deputies`` other than the actor's own deputy (for ``data["deputies"]``)."""
    mine = getattr(deputy_of(actor), "pk", None)
    return sorted({d.pk if hasattr(d, "pk") else int(d) for d in deputies} - {mine})


def _require(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- candidates and the vote (票决) --------------------------------------------------------------------
@transaction.atomic
def project_propose(
    *,
    town: Town,
    actor: Any,
    year: int,
    title: str,
    description: str,
    source: str,
    department: Department | None = None,
    budget: decimal.Decimal | int = 0,
    demand: Demand | None = None,
) -> Project:
    """Put a candidate on the year's list (from demands, disputes, deputies or citizens)."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the project a title.")
    if source not in ProjectSource.values:
        errors["source"] = _("Say where the candidate came from.")
    if Project.objects.filter(town=town, year=year, title=title.strip()).exists():
        errors["title"] = _("A project of this year already has this title.")
    if department is not None and department.town_id != town.pk:
        errors["department"] = _("That department is not of this town.")
    _require(errors)
    project = Project.objects.create(
        town=town,
        year=year,
        title=title.strip(),
        description=description.strip(),
        source=source,
        department=department,
        budget=budget,
        demand=demand,
    )
    _projects().step(project, PK.PROPOSE, actor, note=project.get_source_display())
    return project


def electors(town: Town) -> Any:
    """The deputies entitled to vote on the town's projects: the town congress's own (township) deputies."""
    return Deputy.objects.filter(town=town, level=DeputyLevel.TOWNSHIP)


@transaction.atomic
def vote_open(
    *, town: Town, actor: Any, year: int, title: str, rule: str, projects: Iterable[Project]
) -> VoteSession:
    """Open the congress's vote on candidates: each moves from candidate to being voted on."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    candidates = list(projects)
    errors = {}
    if rule not in VoteRule.values:
        errors["rule"] = _("Choose the adoption rule.")
    if not candidates:
        errors["projects"] = _("Choose at least one candidate.")
    if not title.strip():
        errors["title"] = _("Give the vote a title.")
    electorate = electors(town).count()
    if not electorate:
        errors["rule"] = _("The town has no deputies to vote.")
    _require(errors)
    session = VoteSession.objects.create(
        town=town, year=year, title=title.strip(), rule=rule, electorate=electorate, opened_by=actor
    )
    _votes().step(session, VoteKind.OPEN, actor, note=session.get_rule_display())
    flow = _projects()
    for project in candidates:
        flow.check(actor, PK.PUT_TO_VOTE, project)
        flow.transition(project, PK.PUT_TO_VOTE, actor, checked=True, note=session.title, session=session)
    return session


def project_put_to_vote(*, project: Project, actor: Any) -> Project:
    """Only through ``vote_open``: a candidate is put to the vote with the others of its session."""
    raise ValidationError(_("Candidates are put to the vote together: open a vote."))


@transaction.atomic
def vote_cast(
    *, session: VoteSession, actor: Any, choices: Mapping[int, str], deputy: Deputy | None = None
) -> Ballot:
    """A deputy's ballot: one choice (for, against, abstain) for each candidate of the vote. A deputy
    votes for themself; the presidium records a deputy's paper ballot (``deputy``)."""
    flow = _votes()
    flow.check(actor, VoteKind.CAST, session)
    own = deputy_of(actor)
    voter = own if deputy is None else deputy
    if voter is None:
        raise ValidationError({"deputy": _("Say whose ballot this is.")})
    if own is not None and voter != own and not can(actor, Capability.SUPERVISE):
        raise PermissionDenied(_("A deputy casts only their own ballot."))
    if not electors(session.town).filter(pk=voter.pk).exists():
        raise ValidationError({"deputy": _("Only the town congress's deputies vote on its projects.")})
    if session.ballots.filter(deputy=voter).exists():
        raise ValidationError({"deputy": _("This deputy has already voted.")})
    candidates = {p.pk: p for p in session.projects.filter(status=PS.VOTING)}
    missing = [p.title for pk, p in candidates.items() if choices.get(pk) not in VoteChoice.values]
    if missing:
        raise ValidationError(_("Vote on every candidate: %(names)s.") % {"names": "、".join(missing)})
    ballot = Ballot.objects.create(
        town_id=session.town_id, session=session, deputy=voter, cast_at=clock.now()
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(town_id=session.town_id, ballot=ballot, project_id=pk, choice=choices[pk])
        for pk in candidates
    )
    flow.transition(
        session,
        VoteKind.CAST,
        actor,
        checked=True,
        note=voter.name,
        data={"deputies": others(actor, [voter])},
    )
    return ballot


@transaction.atomic
def vote_count(*, session: VoteSession, actor: Any) -> VoteSession:
    """Close the vote and count it: each candidate is adopted when its votes in favour reach the rule's
    threshold (more than half of all deputies, of those who voted, or two thirds of all), else not."""
    flow = _votes()
    flow.check(actor, VoteKind.COUNT, session)
    voters = session.ballots.count()
    threshold = session.threshold(voters)
    tallies = {
        row["project"]: row
        for row in BallotChoice.objects.filter(ballot__session=session)
        .values("project")
        .annotate(
            yes=Count("pk", filter=Q(choice=VoteChoice.FOR)),
            no=Count("pk", filter=Q(choice=VoteChoice.AGAINST)),
            abstain=Count("pk", filter=Q(choice=VoteChoice.ABSTAIN)),
        )
    }
    note = _("%(voters)d of %(all)d deputies voted; %(need)d votes in favour adopt (%(rule)s).") % {
        "voters": voters,
        "all": session.electorate,
        "need": threshold,
        "rule": session.get_rule_display(),
    }
    session = flow.transition(session, VoteKind.COUNT, actor, checked=True, note=note, counted_at=clock.now())
    projects = _projects()
    for project in session.projects.filter(status=PS.VOTING):
        t = tallies.get(project.pk, {"yes": 0, "no": 0, "abstain": 0})
        adopted = t["yes"] >= threshold
        projects.check(actor, PK.DECIDE, project)
        projects.transition(
            project,
            PK.DECIDE,
            actor,
            checked=True,
            to=PS.ADOPTED if adopted else PS.REJECTED,
            note=_("%(yes)d for, %(no)d against, %(abstain)d abstaining") % t,
            data={"adopted": adopted},
            votes_for=t["yes"],
            votes_against=t["no"],
            votes_abstain=t["abstain"],
        )
    return session


def project_decide(*, project: Project, actor: Any) -> Project:
    """Only through ``vote_count``: the count decides every candidate of the vote at once."""
    raise ValidationError(_("The vote decides: count the vote."))


# --- carrying out an adopted project ---------------------------------------------------------------------
@transaction.atomic
def project_start(
    *,
    project: Project,
    actor: Any,
    department: Department,
    budget: decimal.Decimal | int,
    supervisors: Iterable[Deputy],
) -> Project:
    """The responsible department, the budget and the supervising deputies; the project is underway."""
    flow = _projects()
    flow.check(actor, PK.START, project)
    deputies = list(supervisors)
    errors = {}
    if department is None or department.town_id != project.town_id:
        errors["department"] = _("Choose the responsible department of this town.")
    if not deputies or any(d.town_id != project.town_id for d in deputies):
        errors["supervisors"] = _("Choose the supervising deputies of this town.")
    if decimal.Decimal(budget) < 0:
        errors["budget"] = _("The budget cannot be negative.")
    _require(errors)
    project = flow.transition(
        project,
        PK.START,
        actor,
        checked=True,
        note=f"{department} · {budget}",
        data={"deputies": others(actor, deputies)},
        department=department,
        budget=budget,
    )
    project.supervisors.set(deputies)
    return project


@transaction.atomic
def project_add_milestone(*, project: Project, actor: Any, title: str, due_on: dt.date) -> Milestone:
    flow = _projects()
    flow.check(actor, PK.ADD_MILESTONE, project)
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    if project.milestones.filter(title=title.strip()).exists():
        raise ValidationError({"title": _("This project already has a milestone of this name.")})
    milestone = Milestone.objects.create(
        town_id=project.town_id, project=project, title=title.strip(), due_on=due_on
    )
    flow.transition(project, PK.ADD_MILESTONE, actor, checked=True, to=project.status, note=milestone.title)
    return milestone


@transaction.atomic
def project_report_milestone(
    *, project: Project, actor: Any, milestone: Milestone, done_on: dt.date, evidence: str, progress: int
) -> Project:
    """A milestone done, with its evidence, and the project's progress."""
    flow = _projects()
    flow.check(actor, PK.REPORT_MILESTONE, project)
    errors = {}
    if milestone.project_id != project.pk:
        errors["milestone"] = _("That milestone is not of this project.")
    elif milestone.done_on is not None:
        errors["milestone"] = _("That milestone is already done.")
    if not evidence.strip():
        errors["evidence"] = _("Say what shows it is done.")
    if not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    _require(errors)
    Milestone.objects.filter(pk=milestone.pk).update(done_on=done_on, evidence=evidence.strip())
    return flow.transition(
        project,
        PK.REPORT_MILESTONE,
        actor,
        checked=True,
        to=project.status,
        note=f"{milestone.title}: {evidence.strip()}",
        progress=max(progress, project.progress),
    )


# --- inspections (视察): one service for a project's and a theme's -----------------------------------
@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    on: dt.date,
    findings: str,
    deputies: Iterable[Deputy] = (),
    photos: Iterable[UploadedFile] = (),
    project: Project | None = None,
    theme: Theme | None = None,
) -> Inspection:
    """An on-site inspection of its subject, a project or a themed supervision (the move tables pass the
    subject under its own name): led by the actor's deputy (or the first deputy named when the presidium
    records it), the deputies present, the findings and the photos (each cleaned by ``core.uploads``).
    The subject's workflow records it as its inspection event and leaves the status where it is."""
    subject: Any = project if project is not None else theme
    if subject is None or (project is not None and theme is not None):
        raise ValueError("an inspection is of one project or one theme")
    kind = PK.INSPECT if project is not None else TK.INSPECT_THEME
    flow = workflow_of(type(subject))
    flow.check(actor, kind, subject)
    present = list(deputies)
    lead = deputy_of(actor) or (present[0] if present else None)
    errors = {}
    if not findings.strip():
        errors["findings"] = _("Write down what the inspection found.")
    if lead is None:
        errors["deputies"] = _("Name the deputies who inspected.")
    if any(d.town_id != subject.town_id for d in present):
        errors["deputies"] = _("Choose deputies of this town.")
    _require(errors)
    assert lead is not None
    inspection = Inspection.objects.create(
        town_id=subject.town_id, project=project, theme=theme, lead=lead, on=on, findings=findings.strip()
    )
    inspection.deputies.set({lead, *present})
    for index, photo in enumerate(photos, start=1):
        checked = photo if isinstance(photo, CheckedFile) else clean_photo(photo, name=f"photo-{index}")
        InspectionPhoto.objects.create(
            town_id=subject.town_id, inspection=inspection, file=checked, name=checked.name or ""
        )
    flow.transition(
        subject,
        kind,
        actor,
        checked=True,
        to=subject.status,
        note=findings.strip(),
        data={"deputies": others(actor, {lead, *present}), "inspection": inspection.pk},
    )
    return inspection


@transaction.atomic
def project_complete(*, project: Project, actor: Any, result: str) -> Project:
    flow = _projects()
    flow.check(actor, PK.COMPLETE, project)
    if not result.strip():
        raise ValidationError({"result": _("Say what was built or done.")})
    return flow.transition(
        project,
        PK.COMPLETE,
        actor,
        checked=True,
        note=result.strip(),
        result=result.strip(),
        progress=100,
        completed_at=clock.now(),
    )


@transaction.atomic
def project_rate(*, project: Project, actor: Any, verdict: str) -> SatisfactionVote:
    """A deputy's satisfaction with a completed project (满意 / 基本满意 / 不满意), once each."""
    flow = _projects()
    flow.check(actor, PK.RATE, project)
    if verdict not in Satisfaction.values:
        raise ValidationError({"verdict": _("Choose satisfied, basically satisfied or unsatisfied.")})
    vote = SatisfactionVote.objects.create(
        town_id=project.town_id, project=project, deputy=deputy_of(actor), verdict=verdict, at=clock.now()
    )
    flow.transition(
        project,
        PK.RATE,
        actor,
        checked=True,
        to=project.status,
        note=vote.get_verdict_display(),
        data={"deputies": [], "verdict": verdict},
    )
    return vote


def satisfaction_of(project: Project) -> dict[str, int]:
    counts = dict(
        project.satisfaction_votes.values_list("verdict").annotate(n=Count("pk")).values_list("verdict", "n")
    )
    return {v: counts.get(v, 0) for v in Satisfaction.values}


@transaction.atomic
def project_conclude(*, project: Project, actor: Any, note: str = "") -> Project:
    """Close the rating: done, unless more deputies are unsatisfied than satisfied and basically satisfied
    together, in which case the project goes back to work."""
    flow = _projects()
    flow.check(actor, PK.CONCLUDE, project)
    tally = satisfaction_of(project)
    if not sum(tally.values()):
        raise ValidationError(_("No deputy has given their satisfaction yet."))
    passed = tally[Satisfaction.UNSATISFIED] <= tally[Satisfaction.SATISFIED] + tally[Satisfaction.BASICALLY]
    summary = _("%(s)d satisfied, %(b)d basically satisfied, %(u)d unsatisfied") % {
        "s": tally[Satisfaction.SATISFIED],
        "b": tally[Satisfaction.BASICALLY],
        "u": tally[Satisfaction.UNSATISFIED],
    }
    return flow.transition(
        project,
        PK.CONCLUDE,
        actor,
        checked=True,
        to=PS.DONE if passed else PS.UNDERWAY,
        note=f"{summary}. {note.strip()}".strip(),
        data={"passed": passed, **tally},
    )


@transaction.atomic
def project_carry_over(*, project: Project, actor: Any, reason: str) -> Project:
    """An unfinished project is carried into the next year's list, still under supervision."""
    flow = _projects()
    flow.check(actor, PK.CARRY_OVER, project)
    if Project.objects.filter(town_id=project.town_id, year=project.year + 1, title=project.title).exists():
        raise ValidationError({"reason": _("Next year's list already has a project of this title.")})
    return flow.transition(
        project,
        PK.CARRY_OVER,
        actor,
        checked=True,
        to=project.status,
        note=reason.strip(),
        year=project.year + 1,
        carried_from=project.carried_from or project.year,
    )


# --- suggestions upward (代表建议) ---------------------------------------------------------------------
@transaction.atomic
def suggestion_draft_from(*, demand: Demand, actor: Any, to_level: str, note: str) -> Suggestion:
    """A demand transferred upward becomes the draft of a deputy's suggestion (or joins the open draft of
    the same deputy to the same level), so the transfer is no longer a dead end."""
    if to_level not in UPWARD_LEVELS:
        raise ValidationError({"to_level": _("Choose the county, city or provincial congress.")})
    existing = SuggestionDemand.objects.filter(demand=demand).select_related("suggestion").first()
    if existing is not None:
        return existing.suggestion
    deputy = deputy_of(actor) or (demand.deputy if demand.deputy_id else None)
    suggestion = Suggestion.objects.filter(
        town_id=demand.town_id, deputy=deputy, to_level=to_level, status=SuggestionStatus.DRAFT
    ).first()
    flow = _suggestions()
    if suggestion is None:
        suggestion = Suggestion.objects.create(
            town_id=demand.town_id, title=demand.title, body=note.strip(), to_level=to_level, deputy=deputy
        )
    SuggestionDemand.objects.create(town_id=demand.town_id, suggestion=suggestion, demand=demand)
    flow.step(
        suggestion,
        SuggestionKind.DRAFT,
        actor,
        note=f"{demand.code} {demand.title}",
        data={"deputies": others(actor, [deputy] if deputy else []), "demand": demand.pk},
    )
    return suggestion


def _involved(actor: Any, suggestion: Suggestion) -> dict[str, Any]:
    return {"deputies": others(actor, [suggestion.deputy] if suggestion.deputy_id else [])}


@transaction.atomic
def suggestion_submit(*, suggestion: Suggestion, actor: Any, title: str, body: str) -> Suggestion:
    flow = _suggestions()
    flow.check(actor, SuggestionKind.SUBMIT, suggestion)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the suggestion a title.")
    if not body.strip():
        errors["body"] = _("Write the suggestion.")
    _require(errors)
    return flow.transition(
        suggestion,
        SuggestionKind.SUBMIT,
        actor,
        checked=True,
        note=suggestion.get_to_level_display(),
        data=_involved(actor, suggestion),
        title=title.strip(),
        body=body.strip(),
        submitted_at=clock.now(),
    )


@transaction.atomic
def suggestion_reply(
    *, suggestion: Suggestion, actor: Any, reply_from: str, reply: str, reference: str = ""
) -> Suggestion:
    """The higher level's reply, as received: who answered and what; the citizens behind it are told."""
    flow = _suggestions()
    flow.check(actor, SuggestionKind.REPLY, suggestion)
    errors = {}
    if not reply_from.strip():
        errors["reply_from"] = _("Say who replied.")
    if not reply.strip():
        errors["reply"] = _("Write down the reply.")
    _require(errors)
    return flow.transition(
        suggestion,
        SuggestionKind.REPLY,
        actor,
        checked=True,
        note=f"{reply_from.strip()}: {reply.strip()}",
        data={**_involved(actor, suggestion), "reply": reply.strip()},
        reply_from=reply_from.strip(),
        reply=reply.strip(),
        reference=reference.strip(),
        replied_at=clock.now(),
    )


@transaction.atomic
def suggestion_handle(*, suggestion: Suggestion, actor: Any, handling: str) -> Suggestion:
    """What the higher level actually did about it; the citizens behind it are told."""
    flow = _suggestions()
    flow.check(actor, SuggestionKind.HANDLE, suggestion)
    if not handling.strip():
        raise ValidationError({"handling": _("Say how it was handled.")})
    return flow.transition(
        suggestion,
        SuggestionKind.HANDLE,
        actor,
        checked=True,
        note=handling.strip(),
        data={**_involved(actor, suggestion), "handling": handling.strip()},
        handling=handling.strip(),
    )


@transaction.atomic
def suggestion_evaluate(*, suggestion: Suggestion, actor: Any, verdict: str, comment: str = "") -> Suggestion:
    flow = _suggestions()
    flow.check(actor, SuggestionKind.EVALUATE, suggestion)
    if verdict not in Satisfaction.values:
        raise ValidationError({"verdict": _("Choose satisfied, basically satisfied or unsatisfied.")})
    return flow.transition(
        suggestion,
        SuggestionKind.EVALUATE,
        actor,
        checked=True,
        note=f"{Satisfaction(verdict).label} {comment.strip()}".strip(),
        data={**_involved(actor, suggestion), "verdict": verdict},
        verdict=verdict,
    )


# --- inquiry (问政) and departments in the station (机关进站) ---------------------------------------------
IK = InquiryKind
COMMITMENT_ORIGIN = "inquiry"


def _inquiries() -> Workflow:
    return workflow_of(InquirySession)


def _present(actor: Any, session: InquirySession) -> dict[str, Any]:
    return {"deputies": others(actor, session.deputies.all())}


@transaction.atomic
def inquiry_plan(
    *,
    town: Town,
    actor: Any,
    kind: str,
    title: str,
    planned_on: dt.date,
    departments: Iterable[Department],
    station: Station | None = None,
) -> InquirySession:
    """Plan a session at a station with the departments (and 一府一委两院) that will come."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    chosen = list(departments)
    errors = {}
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose the kind of session.")
    if not title.strip():
        errors["title"] = _("Give the session a title.")
    if not chosen or any(d.town_id != town.pk for d in chosen):
        errors["departments"] = _("Choose the departments of this town that come.")
    if station is not None and station.town_id != town.pk:
        errors["station"] = _("Choose a station of this town.")
    _require(errors)
    session = InquirySession.objects.create(
        town=town, kind=kind, title=title.strip(), planned_on=planned_on, station=station
    )
    session.departments.set(chosen)
    _inquiries().step(session, IK.PLAN, actor, note=session.get_kind_display())
    return session


@transaction.atomic
def inquiry_ask(
    *, session: InquirySession, actor: Any, text: str, department: Department, demand: Demand | None = None
) -> Question:
    """A question gathered for the session, from a deputy or from a demand, addressed to a department."""
    flow = _inquiries()
    flow.check(actor, IK.ASK, session)
    errors = {}
    if not text.strip():
        errors["text"] = _("Write the question.")
    if not session.departments.filter(pk=department.pk).exists():
        errors["department"] = _("Ask one of the departments that come to this session.")
    if demand is not None and demand.town_id != session.town_id:
        errors["demand"] = _("That demand is not of this town.")
    _require(errors)
    deputy = deputy_of(actor)
    question = Question.objects.create(
        town_id=session.town_id,
        session=session,
        text=text.strip(),
        department=department,
        asked_by=deputy,
        demand=demand,
    )
    flow.transition(
        session, IK.ASK, actor, checked=True, to=session.status, note=question.text, data={"deputies": []}
    )
    return question


@transaction.atomic
def inquiry_hold(
    *, session: InquirySession, actor: Any, held_on: dt.date, deputies: Iterable[Deputy], summary: str
) -> InquirySession:
    """The session took place: when, which deputies were there, what happened."""
    flow = _inquiries()
    flow.check(actor, IK.HOLD, session)
    present = list(deputies)
    errors = {}
    if not present or any(d.town_id != session.town_id for d in present):
        errors["deputies"] = _("Choose the deputies of this town who took part.")
    if not summary.strip():
        errors["summary"] = _("Say what happened.")
    _require(errors)
    session.deputies.set(present)
    return flow.transition(
        session,
        IK.HOLD,
        actor,
        checked=True,
        note=summary.strip(),
        data=_present(actor, session),
        held_on=held_on,
        summary=summary.strip(),
    )


@transaction.atomic
def inquiry_answer(
    *,
    session: InquirySession,
    actor: Any,
    question: Question,
    answer: str,
    commitment: str = "",
    due_at: dt.datetime | None = None,
) -> Question:
    """The department's answer; a commitment made in it becomes a tracked item with a deadline, owned by
    the department and supervised by the deputy who asked, under the supervision lights."""
    from lianxin.tracking.services import tracked_item_open

    flow = _inquiries()
    flow.check(actor, IK.ANSWER, session)
    errors = {}
    if question.session_id != session.pk:
        errors["question"] = _("That question is not of this session.")
    elif question.answered_at is not None:
        errors["question"] = _("That question is already answered.")
    if not answer.strip():
        errors["answer"] = _("Write down the answer.")
    if commitment.strip() and due_at is None:
        errors["due_at"] = _("A commitment needs a deadline.")
    _require(errors)
    Question.objects.filter(pk=question.pk).update(answer=answer.strip(), answered_at=clock.now())
    question.refresh_from_db()
    item = None
    if commitment.strip():
        assert due_at is not None
        item = tracked_item_open(
            town=session.town,
            origin=COMMITMENT_ORIGIN,
            source=question,
            title=commitment.strip(),
            details=f"{session.title}: {question.text}",
            department=question.department,
            supervisor=question.asked_by,
            due_at=due_at,
            actor=actor,
        )
    flow.transition(
        session,
        IK.ANSWER,
        actor,
        checked=True,
        to=session.status,
        note=f"{question.department}: {answer.strip()}",
        data={**_present(actor, session), "question": question.pk, "tracked_item": getattr(item, "pk", None)},
    )
    return question


@transaction.atomic
def inquiry_record_figures(
    *,
    session: InquirySession,
    actor: Any,
    households: int = 0,
    certificates: int = 0,
    employers: int = 0,
    vacancies: int = 0,
    attendees: int = 0,
) -> InquirySession:
    """What the session did, in figures: households served and certificates issued on an office day,
    employers and vacancies at a job fair, people attending."""
    flow = _inquiries()
    flow.check(actor, IK.RECORD_FIGURES, session)
    figures = {
        "households": households,
        "certificates": certificates,
        "employers": employers,
        "vacancies": vacancies,
        "attendees": attendees,
    }
    if any(v < 0 for v in figures.values()):
        raise ValidationError(_("Figures cannot be negative."))
    labels = {f.name: f.verbose_name for f in InquirySession._meta.fields}
    note = ", ".join(f"{labels[k]} {v}" for k, v in figures.items() if v)
    return flow.transition(
        session, IK.RECORD_FIGURES, actor, checked=True, to=session.status, note=note, data=figures, **figures
    )


@transaction.atomic
def inquiry_close(*, session: InquirySession, actor: Any, note: str = "") -> InquirySession:
    flow = _inquiries()
    flow.check(actor, IK.CLOSE, session)
    waiting = session.questions.filter(answered_at__isnull=True).count()
    if waiting:
        raise ValidationError(_("%(n)d questions still wait for an answer.") % {"n": waiting})
    return flow.transition(
        session, IK.CLOSE, actor, checked=True, note=note.strip(), data=_present(actor, session)
    )


# --- themed supervision (专题督导) ------------------------------------------------------------------------
TK = ThemeKind


def _themes() -> Workflow:
    return workflow_of(Theme)


@transaction.atomic
def theme_launch(
    *,
    town: Town,
    actor: Any,
    title: str,
    topic: str,
    starts_on: dt.date,
    ends_on: dt.date,
    departments: Iterable[Department],
    neighbours: str = "",
) -> Theme:
    """Plan a themed supervision: the theme, the period, the departments and neighbouring towns."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    chosen = list(departments)
    errors = {}
    if not title.strip():
        errors["title"] = _("Name the theme.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The period ends before it starts.")
    if not chosen or any(d.town_id != town.pk for d in chosen):
        errors["departments"] = _("Choose the departments of this town involved.")
    _require(errors)
    theme = Theme.objects.create(
        town=town,
        title=title.strip(),
        topic=topic.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        neighbours=neighbours.strip(),
    )
    theme.departments.set(chosen)
    _themes().step(theme, TK.LAUNCH, actor, note=theme.topic)
    return theme


@transaction.atomic
def theme_link_demands(*, theme: Theme, actor: Any, demands: Iterable[Demand]) -> Theme:
    """The demands (and through them the disputes) the theme answers."""
    flow = _themes()
    flow.check(actor, TK.LINK_DEMANDS, theme)
    chosen = [d for d in demands if d.town_id == theme.town_id]
    if not chosen:
        raise ValidationError({"demands": _("Name at least one demand of this town.")})
    theme.demands.add(*chosen)
    return flow.transition(
        theme, TK.LINK_DEMANDS, actor, checked=True, to=theme.status, note="、".join(d.code for d in chosen)
    )


@transaction.atomic
def theme_begin(*, theme: Theme, actor: Any, deputies: Iterable[Deputy]) -> Theme:
    flow = _themes()
    flow.check(actor, TK.BEGIN, theme)
    chosen = list(deputies)
    if not chosen or any(d.town_id != theme.town_id for d in chosen):
        raise ValidationError({"deputies": _("Choose the deputies of this town who take part.")})
    theme.deputies.set(chosen)
    return flow.transition(theme, TK.BEGIN, actor, checked=True, data={"deputies": others(actor, chosen)})


@transaction.atomic
def theme_finish(
    *,
    theme: Theme,
    actor: Any,
    outcome: str,
    mechanism: str,
    tonnes_cleared: decimal.Decimal | int = 0,
    problems_solved: int = 0,
) -> Theme:
    """The outcome in words and figures, and the standing mechanism agreed (长效机制)."""
    flow = _themes()
    flow.check(actor, TK.FINISH, theme)
    errors = {}
    if not outcome.strip():
        errors["outcome"] = _("Say what the supervision achieved.")
    if not mechanism.strip():
        errors["mechanism"] = _("Say what standing mechanism was agreed.")
    if decimal.Decimal(tonnes_cleared) < 0 or problems_solved < 0:
        errors["tonnes_cleared"] = _("Figures cannot be negative.")
    _require(errors)
    return flow.transition(
        theme,
        TK.FINISH,
        actor,
        checked=True,
        note=outcome.strip(),
        data={"deputies": others(actor, theme.deputies.all())},
        outcome=outcome.strip(),
        mechanism=mechanism.strip(),
        tonnes_cleared=tonnes_cleared,
        problems_solved=problems_solved,
    )


# --- the industry station (产业代表联络站) ---------------------------------------------------------------
def _presidium_of(actor: Any, town: Town) -> None:
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def enterprise_register(
    *,
    town: Town,
    actor: Any,
    name: str,
    sector: str,
    cell: GridCell | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    """An enterprise the industry station serves (name, sector, cell, contact)."""
    _presidium_of(actor, town)
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the enterprise's name.")
    elif Enterprise.objects.filter(town=town, name=name.strip()).exists():
        errors["name"] = _("This enterprise is already registered.")
    if cell is not None and cell.town_id != town.pk:
        errors["cell"] = _("Choose a cell of this town.")
    _require(errors)
    return Enterprise.objects.create(
        town=town,
        name=name.strip(),
        sector=sector.strip(),
        cell=cell,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
    )


def industry_station(town: Town) -> Station | None:
    return Station.objects.filter(town=town, kind=StationKind.INDUSTRY).order_by("pk").first()


@transaction.atomic
def enterprise_demand_record(
    *,
    enterprise: Enterprise,
    actor: Any,
    category: Any,
    title: str,
    description: str,
    urgency: str = "general",
) -> Demand:
    """An enterprise's problem (急难愁盼) put on the problem list through the industry channel, recorded by
    a deputy at the industry station (or the presidium); the loop then runs as for any demand."""
    from lianxin.demands import services as demands
    from lianxin.demands.models import Channel

    if not (can(actor, Capability.RECORD_FOR_OTHERS) and actor.town_id == enterprise.town_id):
        raise PermissionDenied(_("Your role does not allow this."))
    demand = demands.demand_record(
        town=enterprise.town,
        recorded_by=actor,
        channel=Channel.ENTERPRISE,
        category=category,
        title=title,
        description=f"{enterprise.name}: {description.strip()}",
        urgency=urgency,
        cell=enterprise.cell,
        station=industry_station(enterprise.town),
        requester_name=enterprise.contact_name,
        requester_phone=enterprise.contact_phone,
    )
    EnterpriseDemand.objects.create(town_id=enterprise.town_id, enterprise=enterprise, demand=demand)
    return demand


@transaction.atomic
def enterprise_link_demand(*, enterprise: Enterprise, actor: Any, demand: Demand) -> EnterpriseDemand:
    """Say which enterprise an industry-channel demand recorded earlier came from."""
    _presidium_of(actor, enterprise.town)
    if demand.town_id != enterprise.town_id:
        raise ValidationError({"demand": _("That demand is not of this town.")})
    link, _created = EnterpriseDemand.objects.get_or_create(
        demand=demand, defaults={"town_id": enterprise.town_id, "enterprise": enterprise}
    )
    return link


def _events() -> Workflow:
    return workflow_of(StationEvent)


@transaction.atomic
def station_event_record(
    *,
    town: Town,
    actor: Any,
    kind: str,
    title: str,
    held_on: dt.date,
    departments: Iterable[Department] = (),
    enterprises: Iterable[Enterprise] = (),
    deputies: Iterable[Deputy] = (),
    station: Station | None = None,
) -> StationEvent:
    """A department talk, exchange trip, school-enterprise agreement, job fair or donation at the station."""
    _presidium_of(actor, town)
    station = station or industry_station(town)
    chosen: dict[str, list[Any]] = {
        "departments": list(departments),
        "enterprises": list(enterprises),
        "deputies": list(deputies),
    }
    errors = {}
    if kind not in IndustryEventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not title.strip():
        errors["title"] = _("Give the event a title.")
    if station is None or station.town_id != town.pk:
        errors["station"] = _("The town has no industry station.")
    if any(o.town_id != town.pk for rows in chosen.values() for o in rows):
        errors["title"] = _("Choose departments, enterprises and deputies of this town.")
    _require(errors)
    assert station is not None
    event = StationEvent.objects.create(
        town=town, station=station, kind=kind, title=title.strip(), held_on=held_on
    )
    for field, rows in chosen.items():
        getattr(event, field).set(rows)
    _events().step(
        event,
        IndustryKind.RECORD_EVENT,
        actor,
        note=event.title,
        data={"deputies": others(actor, chosen["deputies"])},
    )
    return event


@transaction.atomic
def station_event_outcome(
    *,
    event: StationEvent,
    actor: Any,
    outcome: str,
    vacancies: int = 0,
    jobs_added: int = 0,
    donation_yuan: int = 0,
) -> StationEvent:
    """What came of it: vacancies posted, jobs added, donations."""
    flow = _events()
    flow.check(actor, IndustryKind.RECORD_OUTCOME, event)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what came of it.")})
    if min(vacancies, jobs_added, donation_yuan) < 0:
        raise ValidationError(_("Figures cannot be negative."))
    return flow.transition(
        event,
        IndustryKind.RECORD_OUTCOME,
        actor,
        checked=True,
        note=outcome.strip(),
        data={"deputies": others(actor, event.deputies.all())},
        outcome=outcome.strip(),
        vacancies=vacancies,
        jobs_added=jobs_added,
        donation_yuan=donation_yuan,
    )


# --- the year's supervision plan (年度监督计划) -------------------------------------------------------------
PLK = PlanKind
PIK = PlanItemKind


def _plans() -> Workflow:
    return workflow_of(SupervisionPlan)


def _plan_items() -> Workflow:
    return workflow_of(PlanItem)


@transaction.atomic
def plan_draft(*, town: Town, actor: Any, year: int, title: str) -> SupervisionPlan:
    """The presidium drafts the year's plan (one per town and year); items are added, then it is adopted."""
    _presidium_of(actor, town)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the plan a title.")
    if SupervisionPlan.objects.filter(town=town, year=year).exists():
        errors["year"] = _("This year already has a supervision plan.")
    _require(errors)
    plan = SupervisionPlan.objects.create(town=town, year=year, title=title.strip())
    _plans().step(plan, PLK.DRAFT_PLAN, actor, note=plan.title)
    return plan


@transaction.atomic
def plan_add_item(
    *,
    plan: SupervisionPlan,
    actor: Any,
    kind: str,
    subject: str,
    month: int,
    planned_on: dt.date | None = None,
    department: Department | None = None,
    theme: Theme | None = None,
) -> PlanItem:
    """An item of the plan (before or after adoption: the presidium may add to an adopted plan)."""
    _presidium_of(actor, plan.town)
    errors = {}
    if kind not in PlanItemKindChoice.values:
        errors["kind"] = _("Choose the kind of item.")
    if not subject.strip():
        errors["subject"] = _("Say what the item is about.")
    if not 1 <= month <= 12:
        errors["month"] = _("Choose a month from 1 to 12.")
    if planned_on is not None and (planned_on.year != plan.year or planned_on.month != month):
        errors["planned_on"] = _("The planned date must fall in the planned month of the plan's year.")
    if department is not None and department.town_id != plan.town_id:
        errors["department"] = _("Choose a department of this town.")
    if theme is not None and (kind != PlanItemKindChoice.THEME or theme.town_id != plan.town_id):
        errors["theme"] = _("Only a themed supervision item links a themed supervision of this town.")
    _require(errors)
    item = PlanItem.objects.create(
        town_id=plan.town_id,
        plan=plan,
        kind=kind,
        subject=subject.strip(),
        month=month,
        planned_on=planned_on,
        department=department,
        theme=theme,
    )
    _plans().step(plan, PLK.ADD_ITEM, actor, note=item.subject)
    return item


@transaction.atomic
def plan_adopt(*, plan: SupervisionPlan, actor: Any, adopted_on: dt.date) -> SupervisionPlan:
    """The presidium adopts the plan: from then on the public reads it and its progress."""
    flow = _plans()
    flow.check(actor, PLK.ADOPT_PLAN, plan)
    errors = {}
    if not plan.items.exists():
        errors["adopted_on"] = _("Add the plan's items before adopting it.")
    elif adopted_on.year not in (plan.year - 1, plan.year):
        errors["adopted_on"] = _("A plan is adopted in its year or the year before.")
    _require(errors)
    return flow.transition(plan, PLK.ADOPT_PLAN, actor, checked=True, adopted_on=adopted_on)


def _in_adopted_plan(item: PlanItem) -> None:
    if item.plan.status != PlanStatus.ADOPTED:
        raise TransitionError(_("The plan is not adopted yet; its items wait for the adoption."))


@transaction.atomic
def plan_item_hear_report(
    *, item: PlanItem, actor: Any, heard_on: dt.date, opinions: str, deputies: Iterable[Deputy]
) -> PlanItem:
    """The report is heard and deliberated: the deputies' opinions are recorded and the item is done."""
    flow = _plan_items()
    flow.check(actor, PIK.HEAR_REPORT, item)
    _in_adopted_plan(item)
    present = list(deputies)
    errors = {}
    if item.kind != PlanItemKindChoice.REPORT:
        errors["opinions"] = _("Only a report item is heard and deliberated.")
    if not opinions.strip():
        errors["opinions"] = _("Record the deputies' deliberation opinions.")
    if not present or any(d.town_id != item.town_id for d in present):
        errors["deputies"] = _("Choose the deputies of this town who deliberated.")
    _require(errors)
    return flow.transition(
        item,
        PIK.HEAR_REPORT,
        actor,
        checked=True,
        note=opinions.strip(),
        data={"deputies": others(actor, present)},
        done_on=heard_on,
        opinions=opinions.strip(),
    )


@transaction.atomic
def plan_item_mark_done(*, item: PlanItem, actor: Any, done_on: dt.date, outcome: str) -> PlanItem:
    """A themed supervision or an inspection carried out, with what came of it."""
    flow = _plan_items()
    flow.check(actor, PIK.MARK_DONE, item)
    _in_adopted_plan(item)
    errors = {}
    if item.kind == PlanItemKindChoice.REPORT:
        errors["outcome"] = _("A report is done when it is heard and deliberated.")
    elif not outcome.strip():
        errors["outcome"] = _("Say what came of it.")
    _require(errors)
    return flow.transition(
        item,
        PIK.MARK_DONE,
        actor,
        checked=True,
        note=outcome.strip(),
        done_on=done_on,
        outcome=outcome.strip(),
    )


@transaction.atomic
def plan_item_drop(*, item: PlanItem, actor: Any, reason: str) -> PlanItem:
    flow = _plan_items()
    flow.check(actor, PIK.DROP_ITEM, item)
    _in_adopted_plan(item)
    return flow.transition(
        item, PIK.DROP_ITEM, actor, checked=True, note=reason.strip(), drop_reason=reason.strip()
    )


def plan_items_of_concluded_theme(*, theme: Theme, actor: Any) -> None:
    """When a themed supervision concludes, the planned items of adopted plans that name it are done."""
    flow = _plan_items()
    for item in PlanItem.objects.filter(
        theme=theme, status=PlanItemStatus.PLANNED, plan__status=PlanStatus.ADOPTED
    ):
        flow.transition(
            item,
            PIK.MARK_DONE,
            actor,
            checked=True,
            note=theme.outcome,
            done_on=theme.ends_on,
            outcome=theme.outcome,
        )
