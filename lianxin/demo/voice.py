"""The demo town's voice notes: short clips made with ffmpeg when the demo is built (no audio is committed),
passed through the same check and re-encoding as a phone's recording. Without ffmpeg the demo says so once and
leaves them out."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core import audio
from lianxin.core.uploads import CheckedFile

# Pink noise shaped like speech (a voice's band, syllables three or four times a second), a few seconds long.
SHAPES = [(4, 3.0, 1), (6, 3.5, 2), (9, 4.0, 3)]
_clips: list[bytes] | None = None


def _make(seconds: int, rate: float, seed: int) -> bytes:
    source = (
        f"anoisesrc=d={seconds}:c=pink:a=0.4:seed={seed},bandpass=f=600:w=500,"
        f"tremolo=f={rate}:d=0.9,afade=t=in:d=0.3,afade=t=out:st={seconds - 0.5}:d=0.5"
    )
    with tempfile.TemporaryDirectory(prefix="lianxin-demo-voice-") as folder:
        path = os.path.join(folder, "clip.wav")
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                settings.FFMPEG_BINARY,
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                source,
                "-ac",
                "1",
                path,
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        with open(path, "rb") as f:
            raw = f.read()
    return audio.clean_voice(SimpleUploadedFile("clip.wav", raw, content_type="audio/wav")).read()


def clips() -> list[bytes]:
    """The clips, made once per process; none (and a notice) without ffmpeg."""
    global _clips
    if _clips is None:
        try:
            if not audio.available():
                raise FileNotFoundError("ffmpeg")
            _clips = [_make(*shape) for shape in SHAPES]
        except (OSError, subprocess.SubprocessError, ValidationError) as exc:
            sys.stderr.write(f"连心 demo: no voice notes ({exc}): install Debian's ffmpeg to have them.\n")
            _clips = []
    return _clips


def voice_note(n: int) -> CheckedFile | None:
    """Clip ``n`` (in turn), as a fresh file to store, or None without ffmpeg."""
    made = clips()
    return CheckedFile("voice.ogg", made[n % len(made)], content_type="audio/ogg") if made else None
