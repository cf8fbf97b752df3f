"""Voice notes on the phone pages: the agent's (with the person's consent to be recorded), the citizen's and
the observer's; stored as our own Opus copy under a random name; played on the staff page, in scope only."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.core import audio
from lianxin.demands import services
from lianxin.demands.models import Attachment, Channel, Demand
from tests.audio import HOSTILE, TAG, m4a_aac, webm_opus
from tests.loop import Loop

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not audio.available(), reason="Debian's ffmpeg is not installed"),
]


def voice(file=None) -> SimpleUploadedFile:
    name, data, ctype = file or webm_opus(2)
    return SimpleUploadedFile(name, data, content_type=ctype)


def agent_post(client, pt, **kw):
    client.force_login(pt.agent)
    data = {
        "name": "刘奶奶",
        "phone": "",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }
    return client.post(reverse("portal:agent"), data)


def _files(media: Path) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def test_the_agent_sends_a_voice_note_the_person_agreed_to(client, portal_town, media):
    r = agent_post(client, portal_town, voice=voice(m4a_aac(2)), voice_consent="on")
    assert r.status_code == 302, r.content.decode()[:500]
    note = Attachment.objects.get()
    assert note.is_voice and note.name == "voice.ogg" and note.voice_consent
    assert note.uploaded_by == portal_town.agent and note.demand.recorded_by == portal_town.agent
    (stored,) = _files(media)
    assert stored.suffix == ".ogg" and len(stored.stem) == 32 and "录音" not in str(stored)
    data = stored.read_bytes()
    assert data.startswith(b"OggS") and TAG.encode() not in data


def test_a_voice_note_without_the_persons_agreement_is_not_sent(client, portal_town, media):
    r = agent_post(client, portal_town, voice=voice())
    assert r.status_code == 400
    html = r.content.decode()
    assert "请先征得老人同意录音并勾选，或删除语音留言。" in html
    assert "家门口台阶太高" in html and 'value="刘奶奶"' in html  # what was typed stays
    assert "浏览器不会保留已录的语音" in html  # and the page says to record it again
    assert Demand.objects.count() == 0 and _files(media) == []


def test_the_service_itself_asks_for_the_recording_consent(portal_town, media):
    pt = portal_town
    with pytest.raises(ValidationError) as refused:
        services.demand_record(
            town=pt.town,
            recorded_by=pt.agent,
            channel=Channel.COLLECTION_POINT,
            category=pt.loop.category,
            title="台阶",
            description="家门口台阶太高",
            consent=True,
            cell=pt.loop.cell,
            requester_name="刘奶奶",
            voice=audio.clean_voice(voice()),
        )
    assert "voice_consent" in refused.value.message_dict
    assert Demand.objects.count() == 0


@pytest.mark.parametrize("kind", ["HTML named .ogg", "a video with sound", "truncated WebM"])
def test_the_citizen_page_refuses_hostile_audio_and_keeps_what_was_typed(client, portal_town, media, kind):
    pt = portal_town
    data = {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        "voice": voice(HOSTILE[kind]()),
    }
    r = client.post(reverse("portal:submit", args=[pt.town.code]), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-error-for="voice"' in html and "语音留言" in html
    assert "村口路灯坏了一个月" in html and 'value="13912340001"' in html
    assert Demand.objects.count() == 0 and _files(media) == []


def test_the_citizen_and_the_observer_send_voice_notes(client, portal_town, media):
    pt = portal_town
    citizen = {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        "voice": voice(),
    }
    assert client.post(reverse("portal:submit", args=[pt.town.code]), citizen).status_code == 302
    client.force_login(pt.observer)
    report = {
        "category": pt.loop.category.pk,
        "description": "河道边护栏断了一截",
        "cell": pt.loop.cell.pk,
        "urgency": "general",
        "intake_key": str(uuid.uuid4()),
        "voice": voice(),
    }
    assert client.post(reverse("portal:observer"), report).status_code == 302
    notes = Attachment.objects.order_by("pk")
    assert [n.demand.channel for n in notes] == [Channel.MOBILE, Channel.OBSERVER]
    assert all(n.is_voice and not n.voice_consent for n in notes)


def test_the_phone_pages_offer_the_recorder(client, portal_town):
    pt = portal_town
    client.force_login(pt.agent)
    html = client.get(reverse("portal:agent")).content.decode()
    assert 'name="voice"' in html and 'accept="audio/*"' in html and "data-recorder" in html
    assert 'name="voice_consent"' in html and "老人同意录音" in html and "js/voice.js" in html
    client.force_login(pt.observer)
    assert 'name="voice"' in client.get(reverse("portal:observer")).content.decode()
    client.logout()
    html = client.get(reverse("portal:submit", args=[pt.town.code])).content.decode()
    assert 'name="voice"' in html and 'name="voice_consent"' not in html


def test_staff_play_the_voice_note_in_scope_only(client, portal_town, media):
    pt = portal_town
    assert agent_post(client, pt, voice=voice(), voice_consent="on").status_code == 302
    note = Attachment.objects.get()
    url = reverse("demands:attachment", args=[note.pk])
    client.force_login(pt.loop.presidium)
    page = client.get(reverse("demands:detail", args=[note.demand.code])).content.decode()
    assert f'<audio controls preload="metadata" src="{url}">' in page and "老人同意录音" in page
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "audio/ogg"
    assert r["Content-Disposition"].startswith("inline") and r["X-Content-Type-Options"] == "nosniff"
    assert (b"".join(r.streaming_content) if r.streaming else r.content).startswith(b"OggS")
    elsewhere = Loop.build()
    client.force_login(elsewhere.presidium)
    assert client.get(url).status_code == 404
    client.force_login(pt.loop.citizen)
    assert client.get(url).status_code == 404
