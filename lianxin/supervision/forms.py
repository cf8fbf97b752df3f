"""The pages' forms: one per move of the tables in ``workflow.py`` (prefix = the action), and the forms to
propose a candidate and open a vote."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import forms as core_forms
from lianxin.core import limits
from lianxin.core.uploads import PhotosField
from lianxin.demands.models import Category, Demand
from lianxin.people.forms import DeputyChoiceField, DeputyMultipleChoiceField
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station

from .models import (
    Enterprise,
    IndustryEventKind,
    Milestone,
    PlanItemKindChoice,
    Project,
    ProjectSource,
    ProjectStatus,
    Question,
    Satisfaction,
    SessionKind,
    Theme,
    VoteChoice,
    VoteRule,
)


def _text(
    label: Any, *, required: bool = True, rows: int = 3, max_length: int = limits.TEXT
) -> forms.CharField:
    return core_forms.text_field(label, required=required, rows=rows, max_length=max_length)


DateInput = core_forms.DateInput  # ISO values, whatever the language


class NoApi:
    """These moves are made on the staff pages; no API action yet."""


# The core's base: ``obj`` (the project, vote or suggestion) and ``user`` shape the choices.
ActionForm = core_forms.ActionForm
ConfirmForm = core_forms.ConfirmForm


class StartForm(ActionForm):
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none())
    budget = forms.DecimalField(label=_("Budget (10,000 yuan)"), min_value=0, max_digits=10, decimal_places=2)
    supervisors = DeputyMultipleChoiceField(label=_("Supervising deputies"), queryset=Deputy.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(town_id=self.obj.town_id, active=True)  # type: ignore[attr-defined]
        self.fields["supervisors"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]
        self.initial.setdefault("department", self.obj.department_id)
        self.initial.setdefault("budget", self.obj.budget)


class MilestoneForm(ActionForm):
    title = forms.CharField(label=_("Milestone"), max_length=80)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class ReportMilestoneForm(ActionForm):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), initial=dt.date.today)
    evidence = _text(_("Evidence"))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = self.obj.milestones.filter(done_on__isnull=True)  # type: ignore[attr-defined]
        self.initial.setdefault("progress", self.obj.progress)


class InspectForm(ActionForm):
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=dt.date.today)
    findings = _text(_("Findings"), rows=4)
    deputies = DeputyMultipleChoiceField(
        label=_("Deputies present"), queryset=Deputy.objects.none(), required=False
    )
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]


class CompleteForm(ActionForm):
    result = _text(_("What was built or done"), rows=4)


class RateForm(ActionForm):
    verdict = forms.ChoiceField(
        label=_("Your satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class NoteForm(ActionForm):
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), max_length=limits.REASON)


class BallotForm(ActionForm):
    """One choice per candidate of the vote."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can(self.user, Capability.SUPERVISE):  # the presidium records a deputy's paper ballot
            self.fields["deputy"] = DeputyChoiceField(
                label=_("Whose ballot"),
                queryset=Deputy.objects.filter(town_id=self.obj.town_id, level=DeputyLevel.TOWNSHIP).exclude(
                    pk__in=self.obj.ballots.values("deputy")
                ),
            )
        for project in self.obj.projects.filter(status=ProjectStatus.VOTING).order_by("title"):
            self.fields[f"p{project.pk}"] = forms.ChoiceField(
                label=project.title, choices=VoteChoice.choices, widget=forms.RadioSelect
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        out: dict[str, Any] = {"choices": {int(k[1:]): v for k, v in data.items() if k.startswith("p")}}
        if "deputy" in data:
            out["deputy"] = data["deputy"]
        return out


class TallyForm(ActionForm):
    """The paper tally sheet (计票单) as one form: the ballots counted, then for each candidate the votes for,
    against and abstaining. The figures are checked together by ``services.vote_tally``; what was typed stays
    on the form when it refuses."""

    template_name_div = "supervision/_tally_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = self.obj
        number = {"min_value": 0, "max_value": session.electorate}
        self.fields["ballots"] = forms.IntegerField(
            label=_("Ballots counted on paper"),
            help_text=_(
                "At most %(n)d (the deputies entitled to vote, less the %(cast)d ballots cast one by one)."
            )
            % {"n": session.electorate - session.ballots.count(), "cast": session.ballots.count()},
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **number,
        )
        lines = {t.project_id: t for t in session.tally.all()}
        if session.tally_ballots is not None:
            self.initial.setdefault("ballots", session.tally_ballots)
        self.projects = list(session.projects.filter(status=ProjectStatus.VOTING).order_by("title"))
        for project in self.projects:
            line = lines.get(project.pk)
            for part, label in (("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))):
                name = f"p{project.pk}_{part}"
                self.fields[name] = forms.IntegerField(
                    label=label, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **number
                )
                if line is not None:
                    self.initial.setdefault(name, getattr(line, f"votes_{part}"))

    def rows(self) -> list[tuple[Any, list[Any]]]:
        """Each candidate with its three fields, for the template."""
        return [
            (p, [self[f"p{p.pk}_{part}"] for part in ("for", "against", "abstain")]) for p in self.projects
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines: dict[int, dict[str, int]] = {}
        for project in self.projects:
            line = {part: data.get(f"p{project.pk}_{part}") for part in ("for", "against", "abstain")}
            if all(v is not None for v in line.values()):
                lines[project.pk] = line  # type: ignore[assignment]
        return {"ballots": data.get("ballots"), "lines": lines}


class CountForm(ActionForm):
    """Counting publishes the result: the office confirms it, having seen how many ballots are in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = self.obj
        self.fields["confirm"] = forms.BooleanField(
            label=_(
                "%(in)d of %(all)d deputies' ballots are in (%(paper)d on the tally sheet, %(cast)d cast one by "
                "one). Close the vote and publish the result."
            )
            % {
                "in": session.ballots_in,
                "all": session.electorate,
                "paper": session.tally_ballots or 0,
                "cast": session.ballots.count(),
            },
            error_messages={"required": _("Tick to confirm that the result is to be published.")},
            label_suffix="",  # the label is a sentence: no colon after it
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        return {}


# --- suggestions ---------------------------------------------------------------------------------------------
class SubmitForm(ActionForm):
    title = forms.CharField(label=_("Title"), max_length=80)
    body = _text(_("Suggestion"), rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("title", self.obj.title)
        self.initial.setdefault("body", self.obj.body)


class ReplyForm(ActionForm):
    reply_from = forms.CharField(label=_("Replied by"), max_length=80)
    reference = forms.CharField(label=_("Reference number"), max_length=40, required=False)
    reply = _text(_("Reply"), rows=4)


class HandleForm(ActionForm):
    handling = _text(_("How it was handled"), rows=4)


class EvaluateForm(ActionForm):
    verdict = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = _text(_("Comment"), required=False, rows=2, max_length=limits.REASON)


# --- not moves -------------------------------------------------------------------------------------------
class ProposeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=80)
    description = _text(_("What the project does"), rows=4)
    source = forms.ChoiceField(label=_("Source"), choices=ProjectSource.choices)
    department = forms.ModelChoiceField(
        label=_("Proposed department"), queryset=Department.objects.none(), required=False
    )
    budget = forms.DecimalField(label=_("Budget (10,000 yuan)"), min_value=0, max_digits=10, decimal_places=2)

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(town=town, active=True)  # type: ignore[attr-defined]


class OpenVoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rule = forms.ChoiceField(
        label=_("Adoption rule"), choices=VoteRule.choices, initial=VoteRule.MAJORITY_OF_ALL
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Candidates"), queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.filter(town=town, status=ProjectStatus.CANDIDATE)  # type: ignore[attr-defined]


# --- inquiry sessions ----------------------------------------------------------------------------------------
class AskForm(ActionForm):
    text = _text(_("Question"))
    department = forms.ModelChoiceField(label=_("Addressed to"), queryset=Department.objects.none())
    demand = forms.CharField(
        label=_("Tracking code of the demand it came from"), max_length=20, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = self.obj.departments.all()
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        if len(departments) == 1:
            self.initial.setdefault("department", departments[0].pk)

    def clean_demand(self) -> Any:
        code = self.cleaned_data["demand"].strip()
        if not code:
            return None
        demand = Demand.objects.restrict(self.user).filter(code=code).first()
        if demand is None:
            raise forms.ValidationError(_("No demand with this tracking code in your scope."))
        return demand


class HoldForm(ActionForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=dt.date.today)
    deputies = DeputyMultipleChoiceField(label=_("Deputies present"), queryset=Deputy.objects.none())
    summary = _text(_("What happened"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]


class AnswerForm(ActionForm):
    question = forms.ModelChoiceField(label=_("Question"), queryset=Question.objects.none())
    answer = _text(_("Answer"), rows=4)
    commitment = _text(_("Commitment (becomes a tracked item)"), required=False, rows=2)
    due_at = forms.DateTimeField(
        label=_("Deadline of the commitment"),
        required=False,
        widget=core_forms.DateTimeLocalInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = self.obj.questions.filter(answered_at__isnull=True)
        staff = getattr(self.user, "department_staff", None)
        if staff is not None and not can(self.user, Capability.SUPERVISE):
            questions = questions.filter(department_id=staff.department_id)
        self.fields["question"].queryset = questions  # type: ignore[attr-defined]
        if len(questions) == 1:
            self.initial.setdefault("question", questions[0].pk)


class FiguresForm(ActionForm):
    households = forms.IntegerField(label=_("Households served"), min_value=0, initial=0)
    certificates = forms.IntegerField(label=_("Certificates issued"), min_value=0, initial=0)
    employers = forms.IntegerField(label=_("Employers"), min_value=0, initial=0)
    vacancies = forms.IntegerField(label=_("Vacancies posted"), min_value=0, initial=0)
    attendees = forms.IntegerField(label=_("People attending"), min_value=0, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.initial[name] = getattr(self.obj, name)


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=80)
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput())
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments taking part"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(town=town)  # type: ignore[attr-defined]
        self.fields["departments"].queryset = Department.objects.filter(town=town, active=True)  # type: ignore[attr-defined]


# --- themed supervision -----------------------------------------------------------------------------------
class LinkDemandsForm(ActionForm):
    demands = forms.CharField(label=_("Tracking codes of the demands, separated by spaces"), max_length=400)

    def clean_demands(self) -> list[Any]:
        codes = self.cleaned_data["demands"].replace(",", " ").replace("，", " ").split()
        found = list(Demand.objects.restrict(self.user).filter(code__in=codes))
        missing = sorted(set(codes) - {d.code for d in found})
        if missing:
            raise forms.ValidationError(
                _("No demand with these tracking codes in your scope: %(codes)s")
                % {"codes": " ".join(missing)}
            )
        return found


class BeginForm(ActionForm):
    deputies = DeputyMultipleChoiceField(label=_("Deputies taking part"), queryset=Deputy.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]


class FinishForm(ActionForm):
    outcome = _text(_("What the supervision achieved"), rows=4)
    tonnes_cleared = forms.DecimalField(
        label=_("Refuse cleared (tonnes)"), min_value=0, max_digits=8, decimal_places=1, initial=0
    )
    problems_solved = forms.IntegerField(label=_("Problems solved"), min_value=0, initial=0)
    mechanism = _text(_("Standing mechanism agreed"), rows=3)


class LaunchForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=80)
    topic = forms.CharField(label=_("Topic"), max_length=40)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments taking part"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    neighbours = forms.CharField(label=_("Neighbouring towns involved"), max_length=200, required=False)

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(town=town, active=True)  # type: ignore[attr-defined]


# --- the industry station ----------------------------------------------------------------------------------
class OutcomeForm(ActionForm):
    outcome = _text(_("What came of it"), rows=3)
    vacancies = forms.IntegerField(label=_("Vacancies posted"), min_value=0, initial=0)
    jobs_added = forms.IntegerField(label=_("Jobs added"), min_value=0, initial=0)
    donation_yuan = forms.IntegerField(label=_("Donations (yuan)"), min_value=0, initial=0)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    sector = forms.CharField(label=_("Sector"), max_length=40)
    cell = forms.ModelChoiceField(label=_("Grid cell"), queryset=GridCell.objects.none(), required=False)
    contact_name = core_forms.NameField(label=_("Contact person"), max_length=30, required=False)
    contact_phone = core_forms.PhoneField(label=_("Contact phone"), required=False)

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = GridCell.objects.filter(town=town)  # type: ignore[attr-defined]


class EnterpriseDemandForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), max_length=80)
    description = _text(_("The enterprise's problem"), rows=4)

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(town=town, active=True)  # type: ignore[attr-defined]


class StationEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IndustryEventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=80)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments taking part"), queryset=Department.objects.none(), required=False
    )
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises"), queryset=Enterprise.objects.none(), required=False
    )
    deputies = DeputyMultipleChoiceField(label=_("Deputies"), queryset=Deputy.objects.none(), required=False)

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(town=town, active=True)  # type: ignore[attr-defined]
        self.fields["enterprises"].queryset = Enterprise.objects.filter(town=town)  # type: ignore[attr-defined]
        self.fields["deputies"].queryset = Deputy.objects.filter(town=town)  # type: ignore[attr-defined]


# --- the year's supervision plan ----------------------------------------------------------------------------
class DraftPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=80)


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanItemKindChoice.choices)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    month = forms.TypedChoiceField(
        label=_("Planned month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)]
    )
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput(), required=False)
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    theme = forms.ModelChoiceField(
        label=_("Themed supervision"), queryset=Theme.objects.none(), required=False
    )

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(town=town, active=True)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.filter(town=town)  # type: ignore[attr-defined]


class AdoptPlanForm(ActionForm):
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput(), initial=dt.date.today)


class HearReportForm(ActionForm):
    heard_on = forms.DateField(label=_("Heard on"), widget=DateInput(), initial=dt.date.today)
    opinions = _text(_("The deputies' deliberation opinions"), rows=4)
    deputies = DeputyMultipleChoiceField(label=_("Deputies present"), queryset=Deputy.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]


class MarkDoneForm(ActionForm):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), initial=dt.date.today)
    outcome = _text(_("What came of it"), rows=3)
