"""Voice notes: checked by their content with ffprobe, then re-encoded by ffmpeg into one format we chose.

A phone records Opus in WebM (Chrome, Android) or Ogg (Firefox), or AAC in MP4 (iPhone); a file chosen by
hand may also be MP3, WAV, FLAC or AMR. Whatever arrives:

1. Its size is checked first, from the upload's header.
2. ffprobe reads it from a temporary file under a name we made (never the sender's name, never a URL): only
   the demuxers of ``FORMATS`` may open it (``-format_whitelist``) and only the ``file`` protocol is allowed
   (``-protocol_whitelist``), so a playlist or a link inside it can reach nothing. It must hold exactly one
   audio stream of a codec in ``CODECS`` and no picture, video or subtitle.
3. ffmpeg decodes that stream and writes Opus in Ogg, mono, 24 kb/s, with every tag, chapter and picture
   left behind (``-map_metadata -1``). Any decoding error (a cut-off file) refuses it. Decoding stops a little
   after the limit, so an endless stream costs at most that much work; the length is then read from the copy
   we wrote, not from what the file claims.
4. Every call has a time limit; the copy is what is kept (``CheckedFile`` with ``.ogg``), under a random name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .uploads import VOICE as OUTPUT
from .uploads import CheckedFile, _check_size

# ffmpeg's names of the demuxers a voice note may come in, and of the audio codecs inside them.
FORMATS = ("ogg", "matroska", "webm", "mov", "mp4", "m4a", "3gp", "mp3", "wav", "flac", "amr")
CODECS = frozenset(
    {
        "opus",
        "vorbis",
        "aac",
        "mp3",
        "flac",
        "amr_nb",
        "amr_wb",
        "pcm_s16le",
        "pcm_s24le",
        "pcm_u8",
        "pcm_f32le",
    }
)
ACCEPT = "audio/*"
TOLERANCE = 1.0  # seconds over the limit still taken: a phone's timer stops a moment late
SHORTEST = 0.3  # seconds: less is an empty recording


def available() -> bool:
    """ffmpeg and ffprobe are installed (Debian's ``ffmpeg`` package)."""
    return bool(shutil.which(settings.FFMPEG_BINARY) and shutil.which(settings.FFPROBE_BINARY))


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell; the input is a file we named)
        args,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=settings.VOICE_FFMPEG_SECONDS,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
    )


def _probe(path: str, *, formats: tuple[str, ...] = FORMATS) -> dict[str, Any]:
    result = _run(
        [
            settings.FFPROBE_BINARY,
            "-v",
            "error",
            "-protocol_whitelist",
            "file",
            "-format_whitelist",
            ",".join(formats),
            "-show_entries",
            "format=format_name,duration:stream=codec_type,codec_name",
            "-of",
            "json",
            f"file:{path}",
        ]
    )
    if result.returncode != 0:
        raise ValueError(result.stderr.decode(errors="replace")[:200])
    return json.loads(result.stdout or b"{}")


def ogg_complete(data: bytes) -> bool:
    """An Ogg file whose pages all end inside it and whose last page closes the stream (end-of-stream flag):
    ffmpeg plays a cut-off Ogg file without a word, so a truncated one is told here."""
    pos, last_flags = 0, -1
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS" or pos + 27 > len(data):
            return False
        segments = data[pos + 26]
        table_end = pos + 27 + segments
        if table_end > len(data):
            return False
        end = table_end + sum(data[pos + 27 : table_end])
        if end > len(data):
            return False
        last_flags, pos = data[pos + 5], end
    return last_flags >= 0 and bool(last_flags & 0x04)


def clean_voice(upload: Any) -> CheckedFile:
    """Check one voice note and return our own Opus copy of it, or raise a ``ValidationError`` that tells the
    person what to do."""
    limit = settings.VOICE_MAX_SECONDS
    _check_size(
        upload,
        settings.VOICE_MAX_BYTES,
        _("The voice note is larger than %(mb)d MB. Record a shorter one."),
    )
    unreadable = ValidationError(
        _("The voice note is not a recording we can play. Record it again, or choose an audio file.")
    )
    if not available():
        raise ValidationError(_("Voice notes cannot be received at the moment. Please type the problem."))
    with tempfile.TemporaryDirectory(prefix="lianxin-voice-") as folder:
        source, copy = os.path.join(folder, "input"), os.path.join(folder, "voice.ogg")
        upload.seek(0)
        with open(source, "wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                out.write(chunk)
        try:
            info = _probe(source)
        except (ValueError, subprocess.TimeoutExpired) as exc:
            raise unreadable from exc
        streams = info.get("streams", [])
        audio = [s for s in streams if s.get("codec_type") == "audio"]
        others = [s for s in streams if s.get("codec_type") not in ("audio", "data")]
        if others or len(audio) != 1:
            raise ValidationError(
                _(
                    "The voice note must be sound only, one recording: a video or a picture cannot be sent here."
                )
            )
        if audio[0].get("codec_name") not in CODECS:
            raise unreadable
        too_long = ValidationError(
            _("The voice note is longer than %(minutes)d minutes. Record a shorter one.")
            % {"minutes": max(1, limit // 60)}
        )
        claimed = _seconds(info.get("format", {}).get("duration"))
        if claimed is not None and claimed > limit + TOLERANCE:
            raise too_long
        damaged = ValidationError(
            _("The voice note is damaged or cut off. Record it again and send it once it has finished.")
        )
        if "ogg" in info.get("format", {}).get("format_name", "").split(","):
            with open(source, "rb") as f:
                if not ogg_complete(f.read()):
                    raise damaged
        try:
            encoded = _run(
                [
                    settings.FFMPEG_BINARY,
                    "-nostdin",
                    "-v",
                    "error",
                    "-threads",
                    "1",
                    "-protocol_whitelist",
                    "file",
                    "-format_whitelist",
                    ",".join(FORMATS),
                    "-i",
                    f"file:{source}",
                    "-map",
                    "0:a:0",
                    "-vn",
                    "-sn",
                    "-dn",
                    "-map_metadata",
                    "-1",
                    "-map_chapters",
                    "-1",
                    "-t",
                    str(limit + TOLERANCE + 1),
                    "-ac",
                    "1",
                    "-ar",
                    "48000",
                    "-c:a",
                    "libopus",
                    "-b:a",
                    "24k",
                    "-application",
                    "voip",
                    "-fflags",
                    "+bitexact",
                    "-flags:a",
                    "+bitexact",
                    "-f",
                    "ogg",
                    f"file:{copy}",
                ]
            )
        except subprocess.TimeoutExpired as exc:
            raise too_long from exc
        if encoded.returncode != 0 or encoded.stderr.strip() or not os.path.exists(copy):
            raise damaged
        try:
            seconds = _seconds(_probe(copy, formats=("ogg",)).get("format", {}).get("duration"))
        except (ValueError, subprocess.TimeoutExpired) as exc:
            raise damaged from exc
        if seconds is None or seconds < SHORTEST:
            raise ValidationError(_("The voice note is empty. Record it again."))
        if seconds > limit + TOLERANCE:
            raise too_long
        with open(copy, "rb") as f:
            data = f.read()
    return CheckedFile(f"voice.{OUTPUT[0]}", data, content_type=OUTPUT[1])


def _seconds(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class VoiceField(forms.FileField):
    """An optional voice note from one ``<input type=file name=voice accept="audio/*">``: the phone's recorder
    puts its recording there, and a phone without one lets the person choose an audio file. Cleaned to Opus."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ACCEPT, "data-voice": ""}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> CheckedFile | None:
        upload = super().clean(data, initial)
        return clean_voice(upload) if upload else None
