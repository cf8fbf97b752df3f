"""Inspections (视察): one service for a project's and a theme's, with the deputies and the photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.uploads import CheckedFile, clean_photo
from lianxin.core.workflow import workflow_of
from lianxin.people.models import Deputy

from ..models import (
    Inspection,
    InspectionPhoto,
    Project,
    Theme,
)
from ..permissions import deputy_of
from ._common import PK, _require, others
from .themes import TK


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    on: dt.date,
    findings: str,
    deputies: Iterable[Deputy] = (),
    photos: Iterable[UploadedFile] = (),
    project: Project | None = None,
    theme: Theme | None = None,
) -> Inspection:
    """An on-site inspection of its subject, a project or a themed supervision (the move tables pass the
    subject under its own name): led by the actor's deputy (or the first deputy named when the presidium
    records it), the deputies present, the findings and the photos (each cleaned by ``core.uploads``).
    The subject's workflow records it as its inspection event and leaves the status where it is."""
    subject: Any = project if project is not None else theme
    if subject is None or (project is not None and theme is not None):
        raise ValueError("an inspection is of one project or one theme")
    kind = PK.INSPECT if project is not None else TK.INSPECT_THEME
    flow = workflow_of(type(subject))
    flow.check(actor, kind, subject)
    present = list(deputies)
    lead = deputy_of(actor) or (present[0] if present else None)
    errors = {}
    if not findings.strip():
        errors["findings"] = _("Write down what the inspection found.")
    if lead is None:
        errors["deputies"] = _("Name the deputies who inspected.")
    if any(d.town_id != subject.town_id for d in present):
        errors["deputies"] = _("Choose deputies of this town.")
    _require(errors)
    assert lead is not None
    inspection = Inspection.objects.create(
        town_id=subject.town_id, project=project, theme=theme, lead=lead, on=on, findings=findings.strip()
    )
    inspection.deputies.set({lead, *present})
    for index, photo in enumerate(photos, start=1):
        checked = photo if isinstance(photo, CheckedFile) else clean_photo(photo, name=f"photo-{index}")
        InspectionPhoto.objects.create(
            town_id=subject.town_id, inspection=inspection, file=checked, name=checked.name or ""
        )
    flow.transition(
        subject,
        kind,
        actor,
        checked=True,
        to=subject.status,
        note=findings.strip(),
        data={"deputies": others(actor, {lead, *present}), "inspection": inspection.pk},
    )
    return inspection
