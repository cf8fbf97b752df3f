"""Livelihood projects (民生实事): candidates, the congress's vote, carrying out, satisfaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy, DeputyLevel

from ..events import (
    VoteKind,
)
from ..models import (
    Ballot,
    BallotChoice,
    Milestone,
    PaperTally,
    Project,
    ProjectSource,
    Satisfaction,
    SatisfactionVote,
    VoteChoice,
    VoteRule,
    VoteSession,
)
from ..permissions import deputy_of
from ._common import PK, PS, _projects, _require, _votes, others


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
    if session.ballots_in >= session.electorate:
        raise ValidationError(
            _(
                "All %(all)d deputies entitled to vote have a ballot in (%(paper)d of them on the tally sheet)."
            )
            % {"all": session.electorate, "paper": session.tally_ballots or 0}
        )
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
def vote_tally(
    *, session: VoteSession, actor: Any, ballots: int | None, lines: Mapping[int, Mapping[str, int]]
) -> VoteSession:
    """Enter (or correct, while the vote is open) the paper tally sheet: how many paper ballots were counted
    and, for every candidate, the votes for, against and abstaining on them. Checked as a whole: the three
    figures of a candidate add up to no more than the ballots, and the ballots with those cast one by one to
    no more than the deputies entitled to vote. Who entered it is kept on the vote and in its events."""
    flow = _votes()
    flow.check(actor, VoteKind.TALLY, session)
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    candidates = list(session.projects.filter(status=PS.VOTING).order_by("title"))
    errors: dict[str, Any] = {}
    cast = session.ballots.count()
    if ballots is None:
        errors["ballots"] = _("Say how many ballots were counted on paper.")
    elif ballots + cast > session.electorate:
        errors["ballots"] = _(
            "%(ballots)d ballots on paper and %(cast)d cast one by one make %(sum)d, more than the %(all)d "
            "deputies entitled to vote."
        ) % {"ballots": ballots, "cast": cast, "sum": ballots + cast, "all": session.electorate}
    for project in candidates:
        line = lines.get(project.pk)
        if line is None:
            errors[f"p{project.pk}_for"] = _("Enter the votes for, against and abstaining of %(title)s.") % {
                "title": project.title
            }
            continue
        total = line["for"] + line["against"] + line["abstain"]
        if ballots is not None and total > ballots:
            errors[f"p{project.pk}_for"] = _(
                "%(title)s: %(for)d for, %(against)d against and %(abstain)d abstaining make %(sum)d, more than "
                "the %(ballots)d ballots counted."
            ) % {**line, "title": project.title, "sum": total, "ballots": ballots}
    _require(errors)
    assert ballots is not None
    for project in candidates:
        line = lines[project.pk]
        PaperTally.objects.update_or_create(
            session=session,
            project=project,
            defaults={
                "town_id": session.town_id,
                "votes_for": line["for"],
                "votes_against": line["against"],
                "votes_abstain": line["abstain"],
            },
        )
    note = _("%(ballots)d paper ballots: %(lines)s") % {
        "ballots": ballots,
        "lines": "；".join(
            _("%(title)s %(for)d for, %(against)d against, %(abstain)d abstaining")
            % {**lines[p.pk], "title": p.title}
            for p in candidates
        ),
    }
    return flow.transition(
        session,
        VoteKind.TALLY,
        actor,
        checked=True,
        note=note,
        data={"ballots": ballots, "lines": {str(pk): dict(line) for pk, line in lines.items()}},
        tally_ballots=ballots,
        tally_by=actor,
        tally_at=clock.now(),
    )


@transaction.atomic
def vote_count(*, session: VoteSession, actor: Any) -> VoteSession:
    """Close the vote and count it: the paper tally sheet and the ballots cast one by one together. Refused
    while no more than half of the deputies entitled have a ballot in (``VoteSession.quorum``). Each candidate
    is adopted when its votes in favour reach the rule's threshold (more than half of all deputies, of those
    who voted, or two thirds of all), else not."""
    flow = _votes()
    flow.check(actor, VoteKind.COUNT, session)
    session = VoteSession.objects.select_for_update().get(pk=session.pk)
    voters = session.ballots_in
    if voters < session.quorum:
        raise ValidationError(
            _(
                "Only %(in)d of %(all)d deputies' ballots are in: at least %(quorum)d (more than half) are "
                "needed before the result is counted and published."
            )
            % {"in": voters, "all": session.electorate, "quorum": session.quorum}
        )
    threshold = session.threshold(voters)
    tallies: dict[int, dict[str, int]] = {
        row["project"]: {"yes": row["yes"], "no": row["no"], "abstain": row["abstain"]}
        for row in BallotChoice.objects.filter(ballot__session=session)
        .values("project")
        .annotate(
            yes=Count("pk", filter=Q(choice=VoteChoice.FOR)),
            no=Count("pk", filter=Q(choice=VoteChoice.AGAINST)),
            abstain=Count("pk", filter=Q(choice=VoteChoice.ABSTAIN)),
        )
    }
    for line in session.tally.all():  # the paper tally sheet adds its figures
        t = tallies.setdefault(line.project_id, {"yes": 0, "no": 0, "abstain": 0})
        t["yes"] += line.votes_for
        t["no"] += line.votes_against
        t["abstain"] += line.votes_abstain
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
