"""The base of every move's form, and the one way a move's form is built and told a service's errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
                label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
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
