"""Forms of the dispute pages: they parse and check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.models import User
from lianxin.accounts.roles import Capability, roles_with
from lianxin.core import forms as core_forms
from lianxin.core import limits, masking
from lianxin.demands.forms import DateTimeLocalInput
from lianxin.demands.models import Category
from lianxin.people.forms import DeputyChoiceField, DeputyMultipleChoiceField
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station, StationKind

from .models import Kind, Party, ReferredTo, RiskRule, Session, Source


def _text(
    label: Any, *, required: bool = True, rows: int = 3, max_length: int = limits.TEXT
) -> forms.CharField:
    return core_forms.text_field(label, required=required, rows=rows, max_length=max_length)


DateInput = core_forms.DateInput  # ISO values, whatever the language


def mediators_of(town_id: int) -> Any:
    return User.objects.filter(town_id=town_id, is_active=True, role__in=roles_with(Capability.MEDIATE))


class RegisterForm(forms.Form):
    """A dispute registered at a mediation station (a walk-in, a referral, a report), with two parties."""

    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[c for c in Source.choices if c[0] != Source.DEMAND],
        initial=Source.WALK_IN,
    )
    summary = forms.CharField(label=_("Summary"), max_length=80)
    description = _text(_("Description"), rows=4)
    station = forms.ModelChoiceField(
        label=_("Mediation station"), queryset=Station.objects.none(), required=False
    )
    cell = forms.ModelChoiceField(label=_("Grid cell"), queryset=GridCell.objects.none(), required=False)
    amount = forms.IntegerField(label=_("Amount at stake (yuan)"), min_value=0, initial=0)
    repeat_contacts = forms.IntegerField(label=_("Repeated contacts"), min_value=0, max_value=99, initial=0)
    threats = forms.BooleanField(label=_("Threats or extreme words"), required=False)
    applicant_name = core_forms.NameField(label=_("Applicant's name"))
    applicant_phone = core_forms.PhoneField(label=_("Applicant's phone"), required=False)
    applicant_id_number = core_forms.IdNumberField(label=_("Applicant's ID number"), required=False)
    respondent_name = core_forms.NameField(label=_("Respondent's name"), required=False)
    respondent_phone = core_forms.PhoneField(label=_("Respondent's phone"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        town = getattr(user, "town_id", None) or 0
        self.fields["station"].queryset = Station.objects.filter(town_id=town, kind=StationKind.MEDIATION)  # type: ignore[attr-defined]
        self.fields["cell"].queryset = GridCell.objects.filter(town_id=town)  # type: ignore[attr-defined]

    def parties(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        found = [
            {
                "side": Party.Side.APPLICANT,
                "name": d["applicant_name"],
                "phone": d.get("applicant_phone", ""),
                "id_number": d.get("applicant_id_number", ""),
            },
        ]
        if d.get("respondent_name"):
            found.append(
                {
                    "side": Party.Side.RESPONDENT,
                    "name": d["respondent_name"],
                    "phone": d.get("respondent_phone", ""),
                }
            )
        return found


class FromDemandForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of dispute"), choices=Kind.choices)
    respondent_name = core_forms.NameField(label=_("Respondent's name"), required=False)
    amount = forms.IntegerField(label=_("Amount at stake (yuan)"), min_value=0, initial=0)


class RiskRuleForm(forms.ModelForm):
    class Meta:
        model = RiskRule
        fields = [
            "amount_step",
            "amount_max_points",
            "party_points",
            "repeat_points",
            "threat_points",
            "major_at",
            "critical_at",
            "petition_contacts_at",
            "hearing_demands_at",
            "hearing_window_days",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = self.instance.kind_points or {}
        for value, label in Kind.choices:
            self.fields[f"kind_{value}"] = forms.IntegerField(
                label=_("Points for type: %(kind)s") % {"kind": label},
                min_value=0,
                max_value=20,
                initial=points.get(value, 0),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("major_at") is not None
            and data.get("critical_at") is not None
            and data["critical_at"] <= data["major_at"]
        ):
            self.add_error("critical_at", _("Critical must start above major."))
        if data.get("hearing_demands_at") is not None and data["hearing_demands_at"] < 2:
            self.add_error("hearing_demands_at", _("A hearing needs at least two demands on one subject."))
        return data

    def save(self, commit: bool = True) -> RiskRule:
        self.instance.kind_points = {v: self.cleaned_data[f"kind_{v}"] for v in Kind.values}
        return super().save(commit)


# --- the moves' forms ----------------------------------------------------------------------------------
# The core's base: ``obj`` (the dispute or hearing) and ``user`` let a form offer its choices.
ActionForm = core_forms.ActionForm
ConfirmForm = core_forms.ConfirmForm


class NoteForm(ActionForm):
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), rows=2, max_length=limits.REASON)


class AcceptForm(ActionForm):
    mediator = forms.ModelChoiceField(
        label=_("Mediator"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to take it yourself."),
    )
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_of(self.obj.town_id)  # type: ignore[attr-defined]


class SessionForm(ActionForm):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeLocalInput())
    place = forms.CharField(label=_("Place"), max_length=80)
    supervisor = DeputyChoiceField(
        label=_("Deputy on the supervision seat"), queryset=Deputy.objects.none(), required=False
    )
    supervisor_remarks = _text(_("The deputy's remarks"), required=False, rows=2)
    minutes = _text(_("Minutes"), rows=4)
    outcome = forms.ChoiceField(label=_("Session outcome"), choices=Session.Outcome.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]
        if self.obj.station_id and not self.is_bound:
            self.initial["place"] = self.obj.station.name


def _party_label(party: Party) -> str:
    phone = masking.mask_phone(party.phone) if party.phone else ""
    return " ".join(x for x in (str(party.get_side_display()), masking.mask_name(party.name), phone) if x)


class AgreeForm(ActionForm):
    terms = _text(_("Terms agreed"), rows=4)
    accepted = forms.ModelMultipleChoiceField(
        label=_("Parties who accept"),
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    follow_up_due = forms.DateField(label=_("Follow-up due"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["accepted"]
        field.queryset = Party.objects.filter(dispute=self.obj)  # type: ignore[attr-defined]
        # The side and the name, never an id; masked like every name on the page (the parties are in the
        # room when the box is ticked), the phone's last digits telling apart two of one surname.
        field.label_from_instance = _party_label  # type: ignore[attr-defined]


class ReferForm(ActionForm):
    to = forms.ChoiceField(label=_("Referred to"), choices=ReferredTo.choices)
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FollowUpForm(ActionForm):
    result = _text(_("What the follow-up found"), rows=3)
    kept = forms.TypedChoiceField(
        label=_("Agreement kept"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )


class ReassessForm(ActionForm):
    amount = forms.IntegerField(label=_("Amount at stake (yuan)"), min_value=0)
    repeat_contacts = forms.IntegerField(label=_("Repeated contacts"), min_value=0, max_value=99)
    threats = forms.BooleanField(label=_("Threats or extreme words"), required=False)
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                amount=self.obj.amount, repeat_contacts=self.obj.repeat_contacts, threats=self.obj.threats
            )


class RaiseDemandForm(ActionForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Summary"), max_length=80)
    description = _text(_("Description"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(town_id=self.obj.town_id, active=True)  # type: ignore[attr-defined]


class HoldForm(ActionForm):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeLocalInput())
    place = forms.CharField(label=_("Place"), max_length=80)
    deputies = DeputyMultipleChoiceField(
        label=_("Deputies present"), queryset=Deputy.objects.none(), required=False
    )
    participants = _text(_("Participants"), rows=2)
    positions = _text(_("Positions"), rows=4)
    conclusion = _text(_("Conclusion"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(town_id=self.obj.town_id)  # type: ignore[attr-defined]


class TaskForm(ActionForm):
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none())
    due_at = forms.DateTimeField(label=_("Deadline"), widget=DateTimeLocalInput())
    supervisor = DeputyChoiceField(
        label=_("Supervising deputy"), queryset=Deputy.objects.none(), required=False
    )
    details = _text(_("Details"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = self.obj.town_id
        self.fields["department"].queryset = Department.objects.filter(town_id=town, active=True)  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = Deputy.objects.filter(town_id=town)  # type: ignore[attr-defined]
