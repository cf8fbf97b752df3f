"""Input of the insight pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core import forms as core_forms
from lianxin.core.forms import ActionForm
from lianxin.demands.forms import DateTimeLocalInput
from lianxin.people.models import Department
from lianxin.territory import basemap

from . import selectors


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=core_forms.DateInput())
    end = forms.DateField(label=_("To (inclusive)"), required=False, widget=core_forms.DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    def period(self) -> selectors.Period:
        default = selectors.Period.default()
        start = self.cleaned_data.get("start") or default.start
        end = self.cleaned_data.get("end")
        return selectors.Period(start, end + selectors.dt.timedelta(days=1) if end else default.end)


class BaseMapForm(forms.Form):
    """The town's base map: a GeoJSON file, read and checked here (``territory.basemap.parse``)."""

    file = forms.FileField(
        label=_("GeoJSON file of roads and landmarks"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    file_name = ""

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".geojson", ".json")):
            raise forms.ValidationError(_("Choose a .geojson (or .json) file."))
        if upload.size > basemap.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: keep only the roads and landmarks the map needs.")
                % {"mb": basemap.MAX_BYTES // (1024 * 1024)}
            )
        self.file_name = name
        return basemap.parse(upload.read())


class WarningForm(ActionForm):
    """Base of the warning's move forms: the warning (``obj``) and ``user`` let a form offer the right
    choices."""

    @property
    def warning(self) -> Any:
        return self.obj


class DismissForm(WarningForm):
    reason = forms.CharField(
        label=_("Why dismiss it"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class TopicForm(WarningForm):
    month = forms.DateField(label=_("Month of the topic (any day of it)"), widget=core_forms.DateInput())


class ProactiveForm(WarningForm):
    """未诉先办: who does what by when; the item is then tracked under the lights (lianxin/tracking)."""

    title = forms.CharField(label=_("What is to be done"), max_length=200)
    plan = core_forms.text_field(_("Plan of action"))
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none())
    due_at = forms.DateTimeField(label=_("Deadline"), widget=DateTimeLocalInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.restrict(self.user).filter(  # type: ignore[attr-defined]
            town_id=self.warning.town_id, active=True
        )
        if not self.is_bound:
            self.initial.setdefault("title", self.warning.title)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Ledger (.xlsx, .csv or .jsonl)"))
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        from . import importer

        upload = self.cleaned_data["file"]
        try:
            importer.format_of(upload.name or "")
        except importer.FileError as e:
            raise forms.ValidationError(str(e)) from e
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB: split it."))
        upload.seek(0)
        try:
            importer.check_upload(upload.read(), importer.format_of(upload.name or ""))
        except importer.FileError as e:
            raise forms.ValidationError(str(e)) from e
        upload.seek(0)
        return upload


class ReportForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
        help_text=_("Year and month, e.g. 2026-10."),
    )

    def clean_month(self) -> Any:
        import datetime as dt

        text = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError as e:
            raise forms.ValidationError(_("Enter a year and month as 2026-10.")) from e
