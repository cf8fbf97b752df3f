"""Voice notes are checked by content with ffprobe and kept only as our own Opus copy (lianxin/core/audio.py)."""

from __future__ import annotations

import json
import subprocess
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from lianxin.core import audio
from lianxin.core.uploads import CheckedFile
from tests.audio import HOSTILE, SOUND, TAG, ogg_opus

pytestmark = pytest.mark.skipif(not audio.available(), reason="Debian's ffmpeg is not installed")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _upload(file: tuple[str, bytes, str]) -> SimpleUploadedFile:
    name, data, ctype = file
    return SimpleUploadedFile(name, data, content_type=ctype)


def _probe(data: bytes) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".ogg") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", f.name],
            capture_output=True,
            check=True,
        )
    return json.loads(out.stdout)


@pytest.mark.parametrize("kind", SOUND)
def test_phone_recordings_become_mono_opus_in_ogg_without_tags(kind):
    name, data, _ = SOUND[kind]()
    copy = audio.clean_voice(_upload((name, data, "audio/whatever")))
    assert isinstance(copy, CheckedFile) and copy.name == "voice.ogg" and copy.content_type == "audio/ogg"
    stored = copy.read()
    info = _probe(stored)
    assert info["format"]["format_name"] == "ogg"
    (stream,) = info["streams"]
    assert (stream["codec_type"], stream["codec_name"], stream["channels"]) == ("audio", "opus", 1)
    assert 1.5 < float(info["format"]["duration"]) < 3.5
    assert TAG.encode() not in stored and "title" not in info["format"].get("tags", {})
    assert stored != data


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_audio_is_refused_with_a_message(kind):
    with pytest.raises(ValidationError) as refused:
        audio.clean_voice(_upload(HOSTILE[kind]()))
    assert "voice note" in str(refused.value.messages[0])


def test_the_length_is_read_from_the_stream_not_the_name_or_header():
    message = {
        k: str(_refusal(HOSTILE[k]())) for k in ("ten minutes of silence, streamed", "HTML named .ogg")
    }
    assert "longer than 2 minutes" in message["ten minutes of silence, streamed"]
    assert "not a recording we can play" in message["HTML named .ogg"]


def _refusal(file):
    try:
        audio.clean_voice(_upload(file))
    except ValidationError as e:
        return e.messages[0]
    return "taken"


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(settings):
    settings.FFPROBE_BINARY = "/nonexistent/ffprobe"  # never reached: the size refuses first
    huge = SimpleUploadedFile("voice.webm", b"\0" * (settings.VOICE_MAX_BYTES + 1), content_type="audio/webm")
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        audio.clean_voice(huge)


def test_limits_follow_the_settings(settings):
    settings.VOICE_MAX_SECONDS = 2
    assert "longer than 1 minutes" in _refusal(ogg_opus(5))


def test_without_ffmpeg_a_voice_note_is_refused_with_a_message(settings):
    settings.FFMPEG_BINARY = "/nonexistent/ffmpeg"
    assert "cannot be received" in _refusal(ogg_opus(1))


def test_ogg_pages_must_end_inside_the_file_and_close_the_stream():
    _, data, _ = ogg_opus(2)
    assert audio.ogg_complete(data)
    assert not audio.ogg_complete(data[:-10])
    assert not audio.ogg_complete(b"OggS")
    assert not audio.ogg_complete(b"")
