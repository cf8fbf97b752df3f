"""Every way a file reaches a demand refuses hostile files and keeps only re-encoded bytes under a random name.

The paths: the citizen's mobile page, the agent's and the observer's pages, the staff record form and the
department's completion evidence. The files: HTML, JavaScript, SVG with a script, a JPEG polyglot, a name
that climbs out of the media folder, a file too large, and a PDF carrying JavaScript.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from lianxin.demands.models import Attachment
from tests.portal.fixtures import png_bytes

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>fetch('/api/v1/demands/').then(r=>r.text()).then(alert)</script>"


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 120, 10)).save(out, format="JPEG")
    return out.getvalue()


def pdf_bytes(*, javascript: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Wang Xiuying 13912340001"})
    if javascript:
        writer.add_open_action(JavaScript("app.alert('owned');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


HOSTILE: dict[str, Callable[[], SimpleUploadedFile]] = {
    "html": lambda: upload("report.html", b"<!doctype html><html><body>" + SCRIPT, "text/html"),
    "javascript": lambda: upload("steal.js", b"fetch('/api/v1/demands/')", "application/javascript"),
    "svg with script": lambda: upload(
        "map.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>",
        "image/svg+xml",
    ),
    "html named as a photo": lambda: upload("photo.jpg", b"<html>" + SCRIPT, "image/jpeg"),
    "pdf header over html": lambda: upload("x.pdf", b"%PDF-1.4\n<html>" + SCRIPT, "application/pdf"),
}


# --- the ways in --------------------------------------------------------------------------------------------
def _portal(client, pt, field: str, files: list[Any]) -> Any:
    data = {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        field: files,
    }
    return client.post(reverse("portal:submit", args=[pt.town.code]), data)


def citizen(client, pt, files):
    return _portal(client, pt, "photos", files)


def agent(client, pt, files):
    client.force_login(pt.agent)
    data = {
        "name": "刘奶奶",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "intake_key": str(uuid.uuid4()),
        "photos": files,
    }
    return client.post(reverse("portal:agent"), data)


def observer(client, pt, files):
    client.force_login(pt.observer)
    data = {
        "category": pt.loop.category.pk,
        "description": "河道边护栏断了一截",
        "cell": pt.loop.cell.pk,
        "urgency": "general",
        "intake_key": str(uuid.uuid4()),
        "photos": files,
    }
    return client.post(reverse("portal:observer"), data)


def record_form(client, pt, files):
    client.force_login(pt.agent)
    data = {
        "intake_key": uuid.uuid4().hex,
        "channel": "collection_point",
        "consent": "on",
        "category": pt.loop.category.pk,
        "urgency": "general",
        "title": "桥头护栏松动",
        "description": "村东桥头护栏松动,有孩子经过",
        "cell": pt.loop.cell.pk,
        "requester_name": "王大爷",
        "requester_phone": "13700001111",
        "attachments": files,
    }
    return client.post(reverse("demands:record"), data)


def evidence(client, pt, files):
    demand = pt.loop.accepted()
    client.force_login(pt.loop.staff)
    data = {"complete-result": "已修好", "complete-outcome": "resolved", "complete-evidence": files}
    return client.post(reverse("demands:act", args=[demand.code, "complete"]), data)


PATHS = {
    "citizen page": citizen,
    "agent page": agent,
    "observer page": observer,
    "staff record form": record_form,
    "completion evidence": evidence,
}
DOCUMENTS_ALLOWED = {"staff record form", "completion evidence"}


def stored(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_files_are_refused_on_every_path(client, portal_town, media, path, hostile):
    r = PATHS[path](client, portal_town, [HOSTILE[hostile]()])
    assert r.status_code == 400, r.content.decode()[:500]
    assert not Attachment.objects.exists()
    assert stored(media) == []


@pytest.mark.parametrize("path", PATHS)
def test_a_polyglot_jpeg_keeps_only_its_pixels_under_a_random_name(client, portal_town, media, path):
    polyglot = jpeg_bytes() + SCRIPT  # a viewer shows the photo; a browser sniffing it finds the script
    r = PATHS[path](client, portal_town, [upload("shell.php.jpg", polyglot, "image/jpeg")])
    assert r.status_code == 302, r.content.decode()[:500]
    att = Attachment.objects.get()
    data = Path(att.file.path).read_bytes()
    assert b"<script" not in data
    with Image.open(att.file.path) as img:
        assert img.format == "JPEG"
    name = Path(att.file.name).name
    assert "php" not in name and "shell" not in name and name.endswith(".jpg")
    assert len(Path(name).stem) >= 32, "a random name, not one to guess"


@pytest.mark.parametrize("path", PATHS)
def test_a_name_that_climbs_out_stays_inside_the_media_folder(client, portal_town, media, path):
    r = PATHS[path](client, portal_town, [upload("../../../../etc/cron.d/x.png", png_bytes(), "image/png")])
    assert r.status_code == 302, r.content.decode()[:500]
    att = Attachment.objects.get()
    assert Path(att.file.path).resolve().is_relative_to(Path(media).resolve())
    assert ".." not in att.file.name and "/" not in att.name and "\\" not in att.name


@pytest.mark.parametrize("path", PATHS)
def test_a_file_too_large_is_refused(client, portal_town, media, settings, path):
    settings.PORTAL_PHOTO_MAX_BYTES = 100
    settings.DOCUMENT_MAX_BYTES = 100
    r = PATHS[path](client, portal_town, [upload("big.png", png_bytes() + b"\0" * 200, "image/png")])
    assert r.status_code == 400
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("path", sorted(DOCUMENTS_ALLOWED))
def test_staff_may_attach_a_pdf_which_is_rewritten_without_script_or_metadata(
    client, portal_town, media, path
):
    r = PATHS[path](
        client, portal_town, [upload("整改报告.pdf", pdf_bytes(javascript=True), "application/pdf")]
    )
    assert r.status_code == 302, r.content.decode()[:500]
    att = Attachment.objects.get()
    assert att.name == "整改报告.pdf" and att.file.name.endswith(".pdf")
    data = Path(att.file.path).read_bytes()
    assert b"JavaScript" not in data and b"13912340001" not in data
    assert len(PdfReader(att.file.path).pages) == 1


@pytest.mark.parametrize("path", sorted(set(PATHS) - DOCUMENTS_ALLOWED))
def test_the_phone_pages_take_photos_only(client, portal_town, media, path):
    r = PATHS[path](client, portal_town, [upload("a.pdf", pdf_bytes(), "application/pdf")])
    assert r.status_code == 400
    assert not Attachment.objects.exists()


def test_an_attachment_that_skipped_the_checks_cannot_be_saved(portal_town, media):
    demand = portal_town.loop.recorded()
    raw = upload("report.html", b"<html>" + SCRIPT, "text/html")
    with pytest.raises(ValueError, match="checked"):
        Attachment.objects.create(town=demand.town, demand=demand, kind="submitted", file=raw, name="x")
    assert stored(media) == []
