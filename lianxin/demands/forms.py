"""Forms of the workbench: they parse and check input; the services decide and write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import forms as core_forms
from lianxin.core import limits
from lianxin.core.kit import everywhere
from lianxin.core.uploads import AttachmentsField
from lianxin.people.forms import DeputyChoiceField
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station

from . import selectors
from .models import Category, Channel, Demand, Outcome, Urgency, Verdict

DateTimeLocalInput = core_forms.DateTimeLocalInput


_text = core_forms.text_field  # the core's bounded multi-line text


class RecordForm(forms.Form):
    """A demand recorded by staff, an agent or an observer on someone's behalf."""

    intake_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.GENERAL)
    title = forms.CharField(label=_("Summary"), max_length=80)
    description = _text(_("Description"), rows=4)
    cell = forms.ModelChoiceField(label=_("Grid cell"), queryset=GridCell.objects.none(), required=False)
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none(), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    address = forms.CharField(label=_("Address"), max_length=120, required=False)
    requester_name = core_forms.NameField(label=_("Requester's name"), required=False)
    requester_phone = core_forms.PhoneField(label=_("Requester's phone"), required=False)
    requester_id_number = core_forms.IdNumberField(label=_("Requester's ID number"), required=False)
    attachments = AttachmentsField(label=_("Photos or documents"))
    consent = forms.BooleanField(
        label=_("The person agreed that I record this for them"),
        required=False,
        help_text=_("Required when an agent records for someone."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("intake_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories_for(user, active_only=True)  # type: ignore[attr-defined]
        self.fields["cell"].queryset = selectors.cells_for(user)  # type: ignore[attr-defined]
        self.fields["station"].queryset = selectors.stations_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if data.get("cell") is None and lat is None and not self.has_error("cell"):
            self.add_error("cell", _("Choose the grid cell, or give the location."))
        return data


# --- one form per move -------------------------------------------------------------------------------
class ActionForm(core_forms.ActionForm):
    """Base of the demand's move forms: the core's, with its subject called by its name."""

    @property
    def demand(self) -> Demand:
        return self.obj


ConfirmForm = core_forms.ConfirmForm


class AssignForm(ActionForm):
    department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    co_departments = forms.ModelMultipleChoiceField(
        label=_("Co-handling departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    matter = _text(_("Matter to handle"))
    standard = _text(_("Standard of completion"))
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for the category's time limit in working days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = selectors.departments_for(self.user, active_only=True).filter(
            town_id=self.demand.town_id
        )
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["co_departments"].queryset = departments  # type: ignore[attr-defined]
        if not self.is_bound:  # the intake's suggestion, else the category's usual department
            usual = (
                _suggested_department_id(self.user, self.demand) or self.demand.category.default_department_id
            )
            if usual:
                self.initial.setdefault("department", usual)


def _suggested_department_id(user: Any, demand: Demand) -> int | None:
    # Intake's suggester, read from the kit (intake registers it in its ready()); none, no suggestion.
    for _app, suggester in everywhere("suggesters"):
        if found := suggester.department_id(user, demand):
            return int(found)
    return None


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), max_length=limits.REASON)


class CompleteForm(ActionForm):
    result = _text(_("What was done"), rows=4)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    evidence = AttachmentsField(label=_("Evidence (photos or documents)"))


class EvaluateForm(ActionForm):
    verdict = forms.ChoiceField(
        label=_("Citizen's verdict"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    comment = _text(_("Comment"), required=False, rows=2, max_length=limits.REASON)


YES_NO = [("yes", _("Passed")), ("no", _("Not done"))]


class CheckForm(ActionForm):
    passed = forms.TypedChoiceField(
        label=_("Result on the ground"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment"), required=False, rows=2, max_length=limits.REASON)


class NoteForm(ActionForm):
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)


class RemindForm(ActionForm):
    note = _text(_("What the department must hurry"), rows=2, max_length=limits.REASON)


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Tracking code of the demand to merge into"), max_length=20)
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)

    def clean_into(self) -> Demand:
        code = self.cleaned_data["into"].strip()
        target = Demand.objects.restrict(self.user).filter(code=code).first()
        if target is None:
            raise ValidationError(_("No demand with this tracking code in your scope."))
        return target


LEVELS = [
    (DeputyLevel.COUNTY.value, _("county congress")),
    (DeputyLevel.CITY.value, _("city congress")),
    (DeputyLevel.PROVINCE.value, _("provincial congress")),
]


class TransferForm(ActionForm):
    to_level = forms.ChoiceField(label=_("Higher level"), choices=LEVELS)
    note = _text(_("The suggestion to the higher level"), max_length=limits.REASON)


class RequestExtensionForm(ActionForm):
    due_at = forms.DateTimeField(label=_("New deadline"), widget=DateTimeLocalInput())
    reason = _text(_("Why more time is needed"), max_length=limits.REASON)


class DecideExtensionForm(ActionForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), required=False, rows=2, max_length=limits.REASON)


# --- the office's desk (issue 10) ---------------------------------------------------------------------
class InternalNoteForm(ActionForm):
    note = _text(_("Internal note (staff only; never sent to the citizen)"), rows=2, max_length=limits.REASON)


class ProgressForm(ActionForm):
    reply = _text(_("Interim reply the citizen will read"), rows=3)


class RelocateForm(ActionForm):
    cell = forms.ModelChoiceField(
        label=_("Village or community (grid cell)"), queryset=GridCell.objects.none()
    )
    reason = _text(_("Reason"), rows=2, max_length=limits.REASON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cells = selectors.cells_for(self.user).filter(town_id=self.demand.town_id)
        self.fields["cell"].queryset = cells.exclude(pk=self.demand.cell_id or 0)  # type: ignore[attr-defined]


class AppointForm(ActionForm):
    deputy = DeputyChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    reason = _text(_("Reason"), required=False, rows=2, max_length=limits.REASON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deputies = selectors.deputies_for(self.user).filter(town_id=self.demand.town_id, user__isnull=False)
        self.fields["deputy"].queryset = deputies.exclude(pk=self.demand.deputy_id or 0)  # type: ignore[attr-defined]


class ReassignForm(ActionForm):
    department = forms.ModelChoiceField(label=_("New lead department"), queryset=Department.objects.none())
    reason = _text(_("Reason"), rows=2, max_length=limits.REASON)
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_(
            "Leave empty to keep the deadline (or, if it has passed, the category's limit from now)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = selectors.departments_for(self.user, active_only=True).filter(
            town_id=self.demand.town_id
        )
        current = getattr(getattr(self.demand, "assignment", None), "department_id", None)
        self.fields["department"].queryset = departments.exclude(pk=current or 0)  # type: ignore[attr-defined]


class ExtendForm(ActionForm):
    due_at = forms.DateTimeField(label=_("New deadline"), widget=DateTimeLocalInput())
    reason = _text(_("Reason"), rows=2, max_length=limits.REASON)


class YearForm(forms.Form):
    """The year of a year's export (of the county's demands for a county viewer)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update({"max": this_year, "min": 2000})
        self.fields["year"].initial = this_year
