"""Forms of the citizen, agent and observer pages. Every message says, in Chinese, what to fix."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.services import clean_mobile
from lianxin.core import clock
from lianxin.core.audio import VoiceField
from lianxin.core.forms import NameField
from lianxin.core.uploads import PhotosField
from lianxin.demands import codes
from lianxin.demands.models import Category, Urgency, Verdict
from lianxin.territory.models import GridCell


def _mobile(value: str) -> str:
    """``clean_mobile`` after NFKC: a Chinese IME types full-width digits (１３９…), kept as ASCII only."""
    phone = clean_mobile(unicodedata.normalize("NFKC", value or ""))
    if not phone.isascii():
        raise ValidationError(_("Enter the 11-digit mobile phone number, starting with 1."))
    return phone


class DigitsField(forms.CharField):
    """Exactly ``length`` digits; full-width ones (６６２５ from a Chinese IME) count as ASCII after NFKC.

    Anything else is invalid before it is compared, so a mistyped form never burns a tracking try.
    """

    def __init__(self, *, length: int, **kwargs: Any) -> None:
        self.length = length
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        return super().to_python(unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not re.fullmatch(f"[0-9]{{{self.length}}}", value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class PhoneTimeField(forms.DateTimeField):
    """When the person filled the form, as the phone's clock said (a form kept offline arrives later).

    Never an error: a value in the future beyond a few minutes (a wrong clock), older than the phone may keep a
    form, or unreadable is dropped, and the demand counts from its arrival.
    """

    AHEAD = dt.timedelta(minutes=5)
    KEPT = dt.timedelta(days=30)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def clean(self, value: Any) -> dt.datetime | None:
        try:
            when = super().clean(value)
        except ValidationError:
            return None
        now = clock.now()
        if when is None or not (now - self.KEPT <= when <= now + self.AHEAD):
            return None
        return min(when, now)


def _title_from(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:30] + ("…" if len(first) > 30 else "")


class DemandFields(forms.Form):
    """What every way in asks: the category, the words, photos, the place, and a one-time key."""

    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.none(),
        empty_label=gettext_lazy("— choose —"),
        error_messages={"required": gettext_lazy("Choose the category that fits best.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What is the problem?"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": gettext_lazy("Describe the problem in a few words."),
            "min_length": gettext_lazy("Say a little more: at least 5 characters."),
            "max_length": gettext_lazy("Keep it under 2000 characters."),
        },
    )
    photos = PhotosField(label=gettext_lazy("Photos (optional)"))
    voice = VoiceField(label=gettext_lazy("Voice note (optional, up to 2 minutes)"))
    cell = forms.ModelChoiceField(
        label=gettext_lazy("Village or community"),
        queryset=GridCell.objects.none(),
        required=False,
        empty_label=gettext_lazy("— by my location —"),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    address = forms.CharField(label=gettext_lazy("Where exactly (optional)"), max_length=120, required=False)
    intake_key = forms.UUIDField(widget=forms.HiddenInput)
    filed_at = PhoneTimeField()

    def __init__(self, *args: Any, town: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("intake_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.town = town
        self.fields["category"].queryset = Category.objects.filter(town=town, active=True)  # type: ignore[attr-defined]
        self.fields["cell"].queryset = GridCell.objects.filter(town=town)  # type: ignore[attr-defined]
        self.fields["intake_key"].error_messages["required"] = _(
            "The form expired. Please check the details and send again."
        )
        self.fields["intake_key"].error_messages["invalid"] = self.fields["intake_key"].error_messages[
            "required"
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            data["lat"] = data["lng"] = None
        if not data.get("cell") and data.get("lat") is None and "cell" not in self.errors:
            self.add_error("cell", _('Choose your village or community, or tap "Use my location".'))
        return data

    @property
    def title(self) -> str:
        return _title_from(self.cleaned_data.get("description", ""))


class CitizenDemandForm(DemandFields):
    """The town's mobile page: a citizen's own demand, with a phone to track it by."""

    name = NameField(
        label=gettext_lazy("Your name"),
        max_length=30,
        error_messages={"required": gettext_lazy("Tell us how to address you (a surname is enough).")},
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": gettext_lazy("Give a mobile number: you track the demand with it.")},
    )
    station = forms.IntegerField(required=False, widget=forms.HiddenInput)
    deputy = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        return _mobile(self.cleaned_data["phone"])


class AgentDemandForm(DemandFields):
    """An agent at a collection point records for an elderly person, who must agree to it."""

    name = NameField(
        label=gettext_lazy("Name of the person"),
        max_length=30,
        error_messages={"required": gettext_lazy("Write the name of the person you record for.")},
    )
    phone = forms.CharField(
        label=gettext_lazy("Their phone or a family member's (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("The person agreed that I record and pass on this demand for them"),
        error_messages={
            "required": gettext_lazy("Ask the person for consent and tick the box before sending.")
        },
    )
    voice_consent = forms.BooleanField(label=gettext_lazy("The person agreed to be recorded"), required=False)

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return _mobile(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("voice") and not data.get("voice_consent"):
            self.add_error(
                "voice_consent",
                _(
                    "Ask the person whether they agree to be recorded, and tick the box, or remove the voice note."
                ),
            )
        return data


class ObserverReportForm(DemandFields):
    """An observer's report of what they saw in their cell."""

    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.GENERAL
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Tracking code"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the tracking code you were given.")},
    )
    last4 = DigitsField(
        length=4,
        label=gettext_lazy("Last four digits of your phone (or the PIN on your slip)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("Enter the last four digits of the phone you gave."),
            "invalid": gettext_lazy("Enter exactly four digits."),
        },
    )

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if codes.mistyped(code):  # a typo is told at once and costs no tracking try
            raise ValidationError(_("This code has a typo: check each character against your receipt."))
        return code


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": gettext_lazy("Enter your mobile phone number.")},
    )

    def clean_phone(self) -> str:
        return _mobile(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = DigitsField(
        length=6,
        label=gettext_lazy("Code from the SMS"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": gettext_lazy("Enter the six-digit code from the SMS."),
            "invalid": gettext_lazy("The code has six digits."),
        },
    )


class EvaluateForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Are you satisfied with the result?"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose one of the three answers.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("What is still wrong? (needed if unsatisfied)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == Verdict.UNSATISFIED and not data.get("comment", "").strip():
            self.add_error("comment", _("Tell us what is still wrong, so the department can put it right."))
        return data
