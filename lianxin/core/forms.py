"""The base of every move's form, and the one way a move's form is built and told a service's errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import limits, validators


class DateInput(forms.DateInput):
    """``<input type=date>``: its value is always ISO (YYYY-MM-DD), whatever the language's date format (the
    Chinese one, 2026/12/08, is refused by the browser and the field shows empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type=datetime-local>``: its value is always ISO (YYYY-MM-DDTHH:MM), in local time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ActionForm(forms.Form):
    """Base of the move forms; ``obj`` (the subject) and ``user`` let a form offer the right choices."""

    def __init__(self, *args: Any, obj: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.user = user


class ConfirmForm(ActionForm):
    """A move with no input: one button."""


def move_form(move: Any, *, obj: Any, user: Any, data: Any = None, files: Any = None) -> ActionForm:
    """The form of a move as its table names it, prefixed by the action. A move that ``requires_reason``
    gets a required ``reason`` (added when its form has none), told in the move's own words when blank."""
    form: ActionForm = move.form(data, files, obj=obj, user=user, prefix=move.action)
    if move.requires_reason:
        field = form.fields.get("reason")
        if field is None:
            field = form.fields["reason"] = forms.CharField(
                label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
            )
        field.required = True
        if move.why:
            field.error_messages = {**field.error_messages, "required": move.why}
    return form


def form_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names, the rest on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class RevealForm(forms.Form):
    """Why the full name, phone or ID number is needed: the reason goes to the audit trail with who and when."""

    reason = forms.CharField(
        label=_("Why do you need the full details?"),
        max_length=200,
        error_messages={"required": _("Say why you need the full details.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. to call and agree a time to inspect the site")}),
    )


# --- fields for what people type: bounded, names without hidden characters, numbers folded to ASCII ---------
def text_field(
    label: Any, *, required: bool = True, rows: int = 3, max_length: int = limits.TEXT, **kwargs: Any
) -> forms.CharField:
    """A multi-line free text, bounded (``core.limits``): a description, minutes, a note."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class NameField(forms.CharField):
    """A person's name: at most ``limits.NAME`` characters, no invisible control characters."""

    default_validators = [validators.validate_person_name]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", limits.NAME)
        super().__init__(**kwargs)


class _FoldedField(forms.CharField):
    """A number typed perhaps in full-width forms: folded to ASCII before it is checked, so the message
    speaks of the number, not of how it was typed."""

    def fold(self, value: str) -> str:
        return validators.fold(value)

    def to_python(self, value: Any) -> str:
        return self.fold(super().to_python(value) or "")


class PhoneField(_FoldedField):
    default_validators = [validators.validate_phone]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", limits.PHONE)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel"}))
        super().__init__(**kwargs)

    def fold(self, value: str) -> str:
        return validators.normalise_phone(value)


class IdNumberField(_FoldedField):
    default_validators = [validators.validate_id_number]

    def __init__(self, **kwargs: Any) -> None:
        # Room for the spaces people group the number with; the folded number is checked for 18 exactly.
        kwargs.setdefault("max_length", limits.ID_NUMBER + 6)
        super().__init__(**kwargs)

    def fold(self, value: str) -> str:
        return validators.normalise_id_number(value)
