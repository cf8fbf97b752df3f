"""A demand's files: read in the demand's scope only, through ``core.media``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from lianxin.core.media import file_response, is_photo, thumbnail_response

from .models import Attachment


def attachments_visible_to(user: Any) -> QuerySet[Attachment]:
    """The files of the demands the user may read. The public board publishes no files, so a visitor
    who is not signed in reads none; a citizen reads those of their own demands."""
    return Attachment.objects.restrict(user)


def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One file, or 404 for anyone outside the demand's scope (as for the demand itself)."""
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    if request.GET.get("size") == "thumb" and is_photo(attachment.file):
        return thumbnail_response(request, attachment.file)
    return file_response(request, attachment.file, attachment.name)
