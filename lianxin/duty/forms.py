"""The duty pages' forms: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import clock
from lianxin.core import forms as core_forms
from lianxin.core.forms import ActionForm
from lianxin.core.uploads import clean_attachment
from lianxin.demands.models import Category
from lianxin.people.forms import DeputyChoiceField
from lianxin.people.models import Deputy, Observer
from lianxin.territory.models import GridCell, Station

from .kinds import MANUAL, VisitKind

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class NoteForm(ActionForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Note")}),  # the list's inline form has no labels
    )


class VisitLogForm(forms.Form):
    households = forms.IntegerField(label=_("Households visited"), min_value=1, max_value=500)
    places = forms.CharField(label=_("Where (groups, buildings)"), required=False, max_length=200)
    heard = core_forms.text_field(_("What was heard"), required=False)
    matters = core_forms.text_field(
        _("Matters raised, one per line (none is fine)"),
        required=False,
        rows=4,
    )

    def clean_matters(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["matters"].splitlines() if line.strip()]


class VisitRecordForm(VisitLogForm):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    cell = forms.ModelChoiceField(label=_("Grid cell"), queryset=GridCell.objects.none())
    observer = forms.ModelChoiceField(
        label=_("With observer"), queryset=Observer.objects.none(), required=False
    )
    done_at = forms.DateTimeField(label=_("Visited at"), widget=core_forms.DateTimeLocalInput())
    # Made on the phone (static/js/offline.js makes a fresh one per fill): a second send is the same visit.
    intake_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    field_order = ["kind", "cell", "observer", "done_at", "households", "places", "heard", "matters"]

    def __init__(self, *args: Any, deputy: Deputy, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("intake_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        # what the phone's queue shows of a kept form: the cell and the first words heard
        self.fields["cell"].widget.attrs["data-queue-title"] = ""
        self.fields["heard"].widget.attrs["data-queue-summary"] = ""
        # Most visits are logged on the way back: the time starts at now, the town's local time, to the minute.
        self.fields["done_at"].initial = lambda: timezone.localtime(clock.now()).replace(
            second=0, microsecond=0
        )
        self.fields["cell"].queryset = GridCell.objects.filter(town_id=deputy.town_id).order_by("code")  # type: ignore[attr-defined]
        self.fields["observer"].queryset = Observer.objects.filter(deputy=deputy).order_by("name")  # type: ignore[attr-defined]


class VisitPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices)
    cell = forms.ModelChoiceField(label=_("Grid cell"), queryset=GridCell.objects.none())
    observer = forms.ModelChoiceField(
        label=_("With observer"), queryset=Observer.objects.none(), required=False
    )
    planned_for = forms.DateTimeField(label=_("Planned for"), widget=core_forms.DateTimeLocalInput())

    def __init__(self, *args: Any, deputy: Deputy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = GridCell.objects.filter(town_id=deputy.town_id).order_by("code")  # type: ignore[attr-defined]
        self.fields["observer"].queryset = Observer.objects.filter(deputy=deputy).order_by("name")  # type: ignore[attr-defined]


class ToDemandForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    requester_name = core_forms.NameField(
        label=_("Name of the person (optional)"), required=False, max_length=30
    )
    requester_phone = core_forms.PhoneField(label=_("Their phone (optional)"), required=False)

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(town_id=town_id, active=True).order_by("name")
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ReceptionForm(forms.Form):
    matter = forms.CharField(label=_("What the person came about"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Make it a demand in this category (optional)"),
        queryset=Category.objects.none(),
        required=False,
    )
    requester_name = core_forms.NameField(
        label=_("Name of the person (optional)"), required=False, max_length=30
    )
    requester_phone = core_forms.PhoneField(label=_("Their phone (optional)"), required=False)

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(town_id=town_id, active=True).order_by("name")
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=[(k.value, k.label) for k in MANUAL])
    title = forms.CharField(label=_("What"), max_length=120)
    happened_on = forms.DateField(label=_("Date"), widget=core_forms.DateInput())
    evidence = forms.FileField(label=_("Evidence (photo or PDF)"), required=False)
    evidence_note = forms.CharField(label=_("Or describe the evidence"), required=False, max_length=200)

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        return clean_attachment(upload) if upload else None


class WeeklyShiftsForm(forms.Form):
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    deputy = DeputyChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_day = forms.DateField(label=_("Starting from"), widget=core_forms.DateInput())
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=53, initial=4)

    def __init__(self, *args: Any, town_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(town_id=town_id).order_by("kind", "name")  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = Deputy.objects.filter(town_id=town_id).order_by("name")  # type: ignore[attr-defined]
        self.fields["first_day"].initial = timezone.localdate() + dt.timedelta(days=1)


class ReportTextForm(forms.Form):
    own_text = forms.CharField(
        label=_("In your own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
