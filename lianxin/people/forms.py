"""Picking deputies: every form that asks for one deputy or several offers them grouped by the cell (village or
community) each serves, so a town's 80-odd names read as a short list of places. The select carries
``data-picker``: static/js/phone.js turns it into a searchable list on the page, and without scripts it stays a
plain select with one option group per cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Prefetch
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import DeputyCell

# The words the picker's script shows, in the page's language.
PICKER = {
    "data-picker": "deputies",
    "data-picker-filter": _("Search a name or village/community"),
    "data-picker-none": _("No deputy matches"),
    "data-picker-chosen": _("Chosen:"),
    "data-picker-nobody": _("nobody yet"),
}


class ByCell(ModelChoiceIterator):
    """The field's deputies as option groups, one per cell in the cells' order; a deputy serving several cells
    is listed once, under the cell they are responsible for (else the first), and those serving none last."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        links = DeputyCell.objects.select_related("cell").order_by("-is_primary", "cell__code")
        queryset = self.queryset.prefetch_related(Prefetch("cell_links", queryset=links))
        groups: dict[tuple[int, str, str], list[Any]] = {}
        for deputy in queryset:
            served = list(deputy.cell_links.all())
            key = (0, served[0].cell.code, served[0].cell.name) if served else (1, "", str(_("No grid cell")))
            groups.setdefault(key, []).append(self.choice(deputy))
        for key in sorted(groups):
            yield (key[2], groups[key])


class DeputyChoiceField(forms.ModelChoiceField):
    iterator = ByCell
    widget = forms.Select(attrs=PICKER)


class DeputyMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ByCell
    widget = forms.SelectMultiple(attrs=PICKER)
