"""Files people upload: the only bytes Lianxin keeps are bytes it wrote itself.

Photos (JPEG, PNG, WebP) are decoded with Pillow and saved again from their pixels alone, so EXIF, GPS,
comments and anything hidden after the image (a script in a polyglot) stay behind. Documents are PDF only:
read with pypdf and written again page by page, without scripts, annotations or metadata. Anything else
is refused, whatever its name or the browser's claim. Stored files get random names (``RandomName``).

Every way a file reaches the platform cleans it here (``PhotosField`` on the phone pages,
``AttachmentsField`` on the staff forms, ``clean_attachment`` for any other caller); ``CheckedFileField``
then refuses to save a file that did not come out of this module.
"""

from __future__ import annotations

import io
import os
import unicodedata
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
PDF = ("pdf", "application/pdf")
VOICE = ("ogg", "audio/ogg")  # the one format voice notes are stored in (lianxin/core/audio.py writes it)
CONTENT_TYPES = dict([*PHOTO_FORMATS.values(), PDF, VOICE])  # extension → type, for serving stored files
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond that a small file may be a decompression bomb
MAX_PAGES = 200
PHOTO_ACCEPT = ",".join(mime for _ext, mime in PHOTO_FORMATS.values())
ATTACHMENT_ACCEPT = f"{PHOTO_ACCEPT},{PDF[1]}"


class CheckedFile(SimpleUploadedFile):
    """Bytes this module wrote: one of the allowed types, under a name that is only a label."""


def display_name(original: str, ext: str) -> str:
    """A label for the file: the original stem without folders, dots or odd characters, and the real
    extension. It is shown and offered as the download name, never used as a path."""
    base = os.path.basename((original or "").replace("\\", "/"))
    stem = unicodedata.normalize("NFKC", os.path.splitext(base)[0])
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in "-_ ").strip()[:60]
    return f"{stem or 'file'}.{ext}"


def _stem(upload: Any) -> str:
    return display_name(upload.name, "")[:-1]


def _check_size(upload: Any, limit: int, message: str) -> None:
    if upload.size > limit:
        raise ValidationError(message % {"name": _stem(upload), "mb": max(1, limit // (1024 * 1024))})


def clean_photo(upload: Any, *, name: str | None = None) -> CheckedFile:
    """Check one image and return a copy made of its pixels alone.

    1. Size first, from the upload's header, before any decoding.
    2. The type from the image's own bytes (Pillow), never from the name or the browser's claim.
    3. Turn the pixels upright (EXIF orientation), then save them alone: EXIF, GPS, XMP, comments and
       trailing bytes stay behind because only the pixels are written.
    """
    _check_size(
        upload,
        settings.PORTAL_PHOTO_MAX_BYTES,
        _("Photo %(name)s is larger than %(mb)d MB. Choose a smaller one."),
    )
    unreadable = _("%(name)s is not a photo we can read. Send a JPEG, PNG or WebP image.") % {
        "name": _stem(upload)
    }
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
        if kind not in PHOTO_FORMATS:
            raise ValidationError(_("Only JPEG, PNG or WebP photos can be sent."))
        if width * height > MAX_PIXELS:
            raise ValidationError(_("Photo %(name)s has too many pixels.") % {"name": _stem(upload)})
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            upright = ImageOps.exif_transpose(img) or img
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=kind, **({"quality": 85} if kind in ("JPEG", "WEBP") else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(unreadable) from exc
    ext, mime = PHOTO_FORMATS[kind]
    label = f"{name}.{ext}" if name else display_name(upload.name, ext)
    return CheckedFile(label, out.getvalue(), content_type=mime)


def clean_pdf(upload: Any) -> CheckedFile:
    """Check one PDF and return a copy written by pypdf: its pages only.

    1. Size first; then the file must start as a PDF and parse as one, unencrypted, with 1–MAX_PAGES pages.
    2. Copy the pages into a new document: the catalogue (open actions, document scripts, attached files,
       metadata) is left behind; annotations (links, form fields) and page actions are dropped too.
    """
    _check_size(
        upload,
        settings.DOCUMENT_MAX_BYTES,
        _("Document %(name)s is larger than %(mb)d MB. Choose a smaller one."),
    )
    label = display_name(upload.name, PDF[0])
    unreadable = ValidationError(_("%(name)s is not a PDF we can read.") % {"name": label})
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise unreadable
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted or not 0 < len(reader.pages) <= MAX_PAGES:
            raise unreadable
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.remove_annotations(subtypes=None)
        for page in writer.pages:
            page.pop("/AA", None)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except Exception as exc:  # a hostile file may break the parser in any way
        raise unreadable from exc
    return CheckedFile(label, out.getvalue(), content_type=PDF[1])


def clean_attachment(upload: Any, *, documents: bool = True) -> CheckedFile:
    """A photo, or (``documents``) a PDF; anything else is refused."""
    upload.seek(0)
    if documents and upload.read(5) == b"%PDF-":
        return clean_pdf(upload)
    try:
        return clean_photo(upload)
    except ValidationError as error:
        if not documents:
            raise
        raise ValidationError(
            _("%(name)s cannot be attached: send a JPEG, PNG or WebP photo or a PDF document.")
            % {"name": _stem(upload)}
        ) from error


# --- form fields -------------------------------------------------------------------------------------------
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos from one input, each cleaned; stored as photo-1.jpg, photo-2.png… because a
    phone's file name may carry the person's name."""

    accept = PHOTO_ACCEPT
    count_setting = "PORTAL_PHOTO_MAX_COUNT"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": self.accept}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        most = int(getattr(settings, self.count_setting))
        if len(items) > most:
            raise ValidationError(self.too_many() % {"n": most})
        received = [super(PhotosField, self).clean(d, initial) for d in items]
        return [self.clean_one(f, i + 1) for i, f in enumerate(received)]

    def too_many(self) -> str:
        return _("Send at most %(n)d photos.")

    def clean_one(self, upload: Any, index: int) -> CheckedFile:
        return clean_photo(upload, name=f"photo-{index}")


class AttachmentsField(PhotosField):
    """Zero or more photos or PDF documents from one input (staff forms), each cleaned."""

    accept = ATTACHMENT_ACCEPT
    count_setting = "ATTACHMENT_MAX_COUNT"

    def too_many(self) -> str:
        return _("Attach at most %(n)d files.")

    def clean_one(self, upload: Any, index: int) -> CheckedFile:
        return clean_attachment(upload, documents=True)


# --- storage ---------------------------------------------------------------------------------------------
@deconstructible
class RandomName:
    """``upload_to`` that keeps the folder pattern and the (checked) extension, and nothing of the name."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower().lstrip(".")
        suffix = f".{ext}" if ext in CONTENT_TYPES else ""
        return timezone.now().strftime(self.folder) + uuid.uuid4().hex + suffix

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


class CheckedFileField(models.FileField):
    """A file field that saves only files cleaned by this module (a forgotten check fails loudly)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = getattr(model_instance, self.attname)
        if file and not file._committed and not isinstance(file.file, CheckedFile):
            raise ValueError(
                f"{type(model_instance).__name__}.{self.name}: the file was not checked; "
                "pass it through lianxin.core.uploads first"
            )
        return super().pre_save(model_instance, add)
