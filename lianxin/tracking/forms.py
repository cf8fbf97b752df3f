"""The page's input for each move of a tracked item, and the office's form to raise one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core import forms as core_forms
from lianxin.people.forms import DeputyChoiceField
from lianxin.people.models import Department, Deputy

from .models import TrackedItem


def _text(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=4000, widget=forms.Textarea(attrs={"rows": rows})
    )


def _deadline(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=core_forms.DateTimeLocalInput())


class ItemForm(core_forms.ActionForm):
    """Base of the tracked item's move forms: the core's, with its subject called by its name."""

    @property
    def item(self) -> TrackedItem:
        return self.obj


class ResultForm(ItemForm):
    result = _text(_("What was done"), rows=4)


class NoteForm(ItemForm):
    note = _text(_("Note"), required=False, rows=2)


class ProgressForm(ItemForm):
    note = _text(_("Progress so far"), rows=3)


class ReasonForm(ItemForm):
    reason = _text(_("Reason"))


class ReturnForm(ItemForm):
    reason = _text(_("What is still to be done"))
    due_at = _deadline(_("New deadline"))


class DeadlineForm(ItemForm):
    due_at = _deadline(_("New deadline"))
    reason = _text(_("Reason"))


class OpenForm(forms.Form):
    """The office raises a 督办 item by hand."""

    title = forms.CharField(label=_("What is to be done"), max_length=200)
    details = _text(_("Details"), required=False)
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    supervisor = DeputyChoiceField(
        label=_("Supervising deputy"), queryset=Deputy.objects.none(), required=False
    )
    due_at = _deadline(_("Deadline"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["department"]
        field.queryset = Department.objects.restrict(user).filter(town_id=user.town_id)
        field = self.fields["supervisor"]
        field.queryset = Deputy.objects.restrict(user).filter(town_id=user.town_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("department"):
            self.add_error("department", _("Name the department responsible."))
        return data
