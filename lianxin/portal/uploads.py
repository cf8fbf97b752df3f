"""Photos from phones: only real images of a few types and sizes, re-encoded without EXIF or GPS."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond that a small file may be a decompression bomb
ACCEPT = ",".join(mime for _ext, mime in FORMATS.values())


def clean_photo(upload: Any, index: int) -> SimpleUploadedFile:
    """Check one upload and return a copy with the metadata gone.

    1. Size first, from the upload's header, before any decoding.
    2. The type from the image's own bytes (Pillow), never from the name or the browser's claim.
    3. Turn the pixels upright (EXIF orientation), then save them alone: EXIF, GPS, XMP and comments
       stay behind because only the pixels are written.
    """
    limit = settings.PORTAL_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Photo %(name)s is larger than %(mb)d MB. Choose a smaller one.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    try:
        with Image.open(upload) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
        if kind not in FORMATS:
            raise ValidationError(_("Only JPEG, PNG or WebP photos can be sent."))
        if width * height > MAX_PIXELS:
            raise ValidationError(_("Photo %(name)s has too many pixels.") % {"name": upload.name})
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            upright = ImageOps.exif_transpose(img) or img
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=kind, **({"quality": 85} if kind in ("JPEG", "WEBP") else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("%(name)s is not a photo we can read. Send a JPEG, PNG or WebP image.") % {"name": upload.name}
        ) from exc
    ext, mime = FORMATS[kind]
    return SimpleUploadedFile(f"photo-{index}.{ext}", out.getvalue(), content_type=mime)
