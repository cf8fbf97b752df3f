"""Input of the insight pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

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


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why dismiss it"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class TopicForm(forms.Form):
    month = forms.DateField(
        label=_("Month of the topic (any day of it)"), widget=forms.DateInput(attrs={"type": "date"})
    )
