"""Stored files go out through here, after a view has checked the reader's scope, never from /media/.

The response can do no harm in the site's origin: the type comes from the stored file's (checked)
extension, anything unknown is an ``application/octet-stream`` download, the browser may not sniff it,
and a sandboxing CSP keeps even a mislabelled file from running script. django-sendfile2 sends the bytes:
from Python by default, or by the front server (X-Accel-Redirect for nginx, X-Sendfile for Apache) when
``MEDIA_SENDFILE`` names one.
"""

from __future__ import annotations

import io
import os
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_sendfile import sendfile
from PIL import Image

from .uploads import CONTENT_TYPES

SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
THUMB_PIXELS = 192  # twice the 96 px a thumbnail is shown at, for sharp phone screens


def _protect(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, max-age=0, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def is_photo(stored: Any) -> bool:
    ext = os.path.splitext(stored.name or "")[1].lower().lstrip(".")
    return CONTENT_TYPES.get(ext, "").startswith("image/")


def thumbnail_response(request: HttpRequest, stored: Any) -> HttpResponse:
    """A small JPEG of a stored photo (checked and re-encoded at upload), made on request: a list of
    thumbnails on a phone costs kilobytes, not the megabytes of the photos. Same headers as the file."""
    with Image.open(stored.path) as img:
        img.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
        out = io.BytesIO()
        img.convert("RGB").save(out, format="JPEG", quality=80)
    return _protect(HttpResponse(out.getvalue(), content_type="image/jpeg"))


def file_response(
    request: HttpRequest, stored: Any, label: str, *, mimetype: str | None = None
) -> HttpResponse:
    """Send ``stored`` (a FieldFile) as ``label``: photos inline, everything else as a download. ``mimetype``
    names the type of a file the platform wrote itself (an export), not an upload. Photos and voice notes
    (both re-encoded at upload) are sent inline, for the page's <img> and <audio>."""
    ext = os.path.splitext(stored.name)[1].lower().lstrip(".")
    mime = mimetype or CONTENT_TYPES.get(ext, "application/octet-stream")
    inline = mime.startswith(("image/", "audio/"))
    response: HttpResponse = sendfile(
        request, stored.path, attachment=not inline, attachment_filename=label, mimetype=mime
    )
    return _protect(response)
