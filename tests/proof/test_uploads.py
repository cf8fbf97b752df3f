"""Every way a file reaches Lianxin refuses hostile files with a 4xx and a message, and keeps nothing of them.

The ways in (every FileField, PhotosField, AttachmentsField and request.FILES of lianxin/): the citizen's
mobile page, the agent's and the observer's pages, the staff record form, a department's completion evidence,
a deputy's hand-entered activity evidence, a livelihood project's inspection photos, and the import of an
old ledger. Each path first takes a good file (so a refusal below is the file's, not the form's), then every
file of ``hostile.REFUSED`` (renamed to .xlsx/.csv on the ledger import, which refuses other names at once);
``hostile.CLEANED`` must come out as copies the platform wrote. The three phone pages take a voice note too
(the recorder's ``voice`` input): every hostile file above, then the hostile audio of ``tests.audio.HOSTILE``
(HTML named .ogg, ten minutes of streamed silence, a video with sound, truncated files…), and real recordings
(``tests.audio.SOUND``) must come out as our own Opus without their tags. Figures: hostile files sent, refused,
stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lianxin.core.audio import available as ffmpeg_available
from lianxin.demands.models import Attachment, Demand
from lianxin.duty.models import ManualActivity
from lianxin.insight.forms import ImportForm
from lianxin.jobs.models import Job
from lianxin.supervision.models import InspectionPhoto
from tests.audio import HOSTILE as HOSTILE_AUDIO
from tests.audio import SOUND, TAG, webm_opus
from tests.core.test_uploads import agent, observer  # the same two submissions as the upload tests
from tests.portal.fixtures import PortalTown
from tests.supervision.factories import Sup

from . import figures
from .hostile import CLEANED, REFUSED, SCRIPT, jpeg, png

Send = Callable[[Any, PortalTown, list[Any]], Any]


def _citizen(client, pt, files):
    data = {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        "photos": files,
    }
    return client.post(reverse("portal:submit", args=[pt.town.code]), data)


def _record(client, pt, files):
    client.force_login(pt.loop.presidium)
    data = {
        "intake_key": uuid.uuid4().hex,
        "channel": "walk_in",
        "category": pt.loop.category.pk,
        "urgency": "general",
        "title": "桥头护栏松动",
        "description": "村东桥头护栏松动,有孩子经过",
        "cell": pt.loop.cell.pk,
        "attachments": files,
    }
    return client.post(reverse("demands:record"), data)


_accepted: dict[int, Any] = {}


def _evidence_ready(pt):
    """A demand the department has accepted, made before the files are counted."""
    last = _accepted.get(pt.town.pk)
    if last is None or Demand.objects.get(pk=last.pk).status != "accepted":
        _accepted[pt.town.pk] = pt.loop.accepted()


def _evidence(client, pt, files):
    _evidence_ready(pt)
    demand = _accepted[pt.town.pk]
    client.force_login(pt.loop.staff)
    data = {"complete-result": "已修好", "complete-outcome": "resolved", "complete-evidence": files}
    return client.post(reverse("demands:act", args=[demand.code, "complete"]), data)


def _duty(client, pt, files):
    client.force_login(pt.loop.deputy)
    data = {"kind": "training", "title": "培训", "happened_on": "2026-03-01", "evidence": files[0]}
    return client.post(reverse("duty:activities"), data)


_projects: dict[int, Any] = {}


def _inspection(client, pt, files):
    if pt.town.pk not in _projects:
        _projects[pt.town.pk] = Sup(pt.loop).underway()
    project = _projects[pt.town.pk]
    client.force_login(pt.loop.deputy)
    data = {
        "inspect-on": dt.date(2026, 6, 1).isoformat(),
        "inspect-findings": "井盖缺失",
        "inspect-photos": files,
    }
    return client.post(reverse("supervision:project_act", args=[project.pk, "inspect"]), data)


def _ledger(client, pt, files):
    client.force_login(pt.loop.presidium)
    return client.post(reverse("insight:imports"), {"file": files[0], "dry_run": "on"})


def _citizen_voice(client, pt, files):
    data = {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        "voice": files[0],
    }
    return client.post(reverse("portal:submit", args=[pt.town.code]), data)


def _agent_voice(client, pt, files):
    """An agent's voice note of an elderly person who agreed to be recorded."""
    client.force_login(pt.agent)
    data = {
        "name": "刘奶奶",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "voice_consent": "on",
        "intake_key": str(uuid.uuid4()),
        "voice": files[0],
    }
    return client.post(reverse("portal:agent"), data)


def _observer_voice(client, pt, files):
    client.force_login(pt.observer)
    data = {
        "category": pt.loop.category.pk,
        "description": "河道边护栏断了一截",
        "cell": pt.loop.cell.pk,
        "urgency": "general",
        "intake_key": str(uuid.uuid4()),
        "voice": files[0],
    }
    return client.post(reverse("portal:observer"), data)


PATHS: dict[str, tuple[Send, str]] = {  # the path, and what it takes: photos, attachments (+ PDF) or ledgers
    "citizen mobile page (photos)": (_citizen, "photos"),
    "agent page (photos)": (agent, "photos"),
    "observer page (photos)": (observer, "photos"),
    "staff record form (attachments)": (_record, "attachments"),
    "completion evidence (attachments)": (_evidence, "attachments"),
    "duty activity evidence": (_duty, "attachments"),
    "project inspection photos": (_inspection, "photos"),
    "old ledger import": (_ledger, "ledger"),
    "citizen mobile page (voice note)": (_citizen_voice, "voice"),
    "agent page (voice note, with consent)": (_agent_voice, "voice"),
    "observer page (voice note)": (_observer_voice, "voice"),
}
GOOD_LEDGER = "received_at,text,cell\n2025-03-01 09:00,村口路灯坏了,\n".encode()


def _stored(media: Path) -> tuple[int, ...]:
    files = sum(1 for p in Path(media).rglob("*") if p.is_file()) if Path(media).exists() else 0
    return (
        files,
        Attachment.objects.count(),
        InspectionPhoto.objects.count(),
        ManualActivity.objects.exclude(evidence="").count(),
        Job.objects.filter(kind="insight.ledger_import").count(),
        Demand.objects.count(),
    )


def _for(kind: str, name: str, content: bytes) -> str:
    """On the ledger import, a hostile file keeps its bytes under a ledger's name (else it is refused by name)."""
    if kind != "ledger" or name.rsplit(".", 1)[-1] in ("xlsx", "csv", "jsonl"):
        return name
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return name.rsplit("/", 1)[-1].split(".")[0] + ".xlsx"
    return name.rsplit("/", 1)[-1].split(".")[0] + ".csv"


def _refusal_message(r: Any) -> bool:
    """The page shows the form's error for the file: a message, not a bare status."""
    from django.forms import BaseForm
    from django.utils.html import escape

    body = r.content.decode(errors="replace")
    forms: list[Any] = []
    for key in r.context.keys() if r.context is not None else ():
        value = r.context[key]
        forms += [
            v for v in (value.values() if isinstance(value, dict) else [value]) if isinstance(v, BaseForm)
        ]
    messages = [str(m) for f in forms for errors in f.errors.values() for m in errors]
    return any(escape(m) in body or m in body for m in messages)


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_hostile_uploads_are_refused(client, portal_town, media, settings, monkeypatch, path):
    send, kind = PATHS[path]
    pt = portal_town
    settings.PORTAL_SUBMIT_RATE_IP = settings.PORTAL_SUBMIT_RATE_PHONE = "10000/h"
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def up(name: str, content: bytes, ctype: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(_for(kind, name, content), content, content_type=ctype)

    # a good file first: the path takes files at all
    if kind == "voice" and not ffmpeg_available():
        pytest.skip("Debian's ffmpeg is not installed")
    good = up("ledger.csv", GOOD_LEDGER, "text/csv") if kind == "ledger" else up("ok.png", png(), "image/png")
    if kind == "voice":
        good = up(*webm_opus(2))
    ready = _evidence_ready if send is _evidence else (lambda _pt: None)
    ready(pt)
    before = _stored(media)
    r = send(client, pt, [good])
    assert r.status_code == 302, (path, r.status_code, r.content.decode()[:800])
    assert _stored(media) != before, "the good file was kept"

    settings.PORTAL_PHOTO_MAX_BYTES = settings.DOCUMENT_MAX_BYTES = settings.VOICE_MAX_BYTES = 2048
    monkeypatch.setattr(ImportForm, "MAX_BYTES", 2048)
    refused = stored = 0
    failures = []
    hostile = dict(REFUSED)
    if (
        kind == "voice"
    ):  # and the hostile audio, at the real size limit (refused for what they are, not their size)
        hostile.update({f"audio: {k}": v for k, v in HOSTILE_AUDIO.items()})
    for label, make in hostile.items():
        if label.startswith("audio: "):
            settings.VOICE_MAX_BYTES = 10 * 1024 * 1024
        ready(pt)
        before = _stored(media)
        r = send(client, pt, [up(*make())])
        ok = 400 <= r.status_code < 500 and _refusal_message(r)
        kept = _stored(media) != before
        refused += int(ok and not kept)
        stored += int(kept)
        if not ok or kept:
            failures.append((label, r.status_code, kept))
    settings.PORTAL_PHOTO_MAX_BYTES = settings.DOCUMENT_MAX_BYTES = 8 * 1024 * 1024
    settings.VOICE_MAX_BYTES = 10 * 1024 * 1024

    cleaned = cleaned_total = 0
    if kind != "ledger":
        harmless = {**CLEANED, **({f"audio: {k}": v for k, v in SOUND.items()} if kind == "voice" else {})}
        for label, make in harmless.items():
            name, content, ctype = make()
            cleaned_total += 1
            ready(pt)
            before = _stored(media)
            r = send(client, pt, [up(name, content, ctype)])
            if (content.startswith(b"%PDF") and kind == "photos") or (kind == "voice" and label in CLEANED):
                fine = 400 <= r.status_code < 500 and _stored(media) == before
            else:
                fine = r.status_code == 302 and _kept_clean(media)
            cleaned += int(fine)
            if not fine:
                failures.append((label, r.status_code, "not cleaned"))
    figures.record(
        "uploads",
        paths=1,
        hostile=len(hostile),
        audio_paths=int(kind == "voice"),
        audio_hostile=len(HOSTILE_AUDIO) if kind == "voice" else 0,
        refused=refused,
        stored=stored,
        cleaned=cleaned,
        cleaned_total=cleaned_total,
        failures=[f"{path}: {f}" for f in failures],
    )
    assert failures == [], failures


def _kept_clean(media: Path) -> bool:
    """Every file under the media folder is one the platform wrote: a readable JPEG/PNG/WebP without the
    script, or a PDF without JavaScript, under a random name inside the folder."""
    root = Path(media).resolve()
    for p in root.rglob("*"):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if SCRIPT in data or b"<script" in data or b"JavaScript" in data or b"/JS" in data:
            return False
        if TAG.encode() in data:  # a name and a phone from an audio file's tags
            return False
        if not p.resolve().is_relative_to(root) or "php" in p.name or len(p.stem) < 32:
            return False
        if p.suffix in (".jpg", ".png", ".webp"):
            with Image.open(p) as img:
                img.verify()
        elif p.suffix == ".ogg":  # a voice note: our own Opus in Ogg
            if not data.startswith(b"OggS") or b"OpusHead" not in data[:200]:
                return False
        elif p.suffix != ".pdf":
            return False
    return True


def test_a_jpeg_is_a_jpeg():  # the helper files are what they claim (a broken generator proves nothing)
    with Image.open(__import__("io").BytesIO(jpeg())) as img:
        assert img.format == "JPEG"
