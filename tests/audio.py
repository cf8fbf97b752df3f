"""Audio for the voice-note tests, made with Debian's ffmpeg into temporary paths (no audio is committed).

Each maker returns (name, bytes, content type) as a phone would send it. ``SOUND`` are real recordings of the
kinds phones make; ``HOSTILE`` must each be refused with a message and leave nothing behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable

File = tuple[str, bytes, str]
SCRIPT = b"<script>fetch('/api/v1/demands/').then(r=>r.text()).then(alert)</script>"
TAG = "王秀英 13912340001"  # a name and a phone in the file's tags: the stored copy must not carry them


def ffmpeg_missing() -> bool:
    return not (shutil.which("ffmpeg") and shutil.which("ffprobe"))


_made: dict[tuple[tuple[str, ...], str, bool], bytes] = {}


def make(args: list[str], suffix: str, *, piped: bool = False) -> bytes:
    """Run ffmpeg with ``args`` (inputs and codec) into a temporary file, or through a pipe (``piped``: the
    muxer cannot go back to write the length, as a phone's live recorder cannot), and return the bytes (made
    once per test process: the proof sends the same files on several paths)."""
    key = (tuple(args), suffix, piped)
    if key not in _made:
        _made[key] = _make(args, suffix, piped=piped)
    return _made[key]


def _make(args: list[str], suffix: str, *, piped: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lianxin-test-audio-") as folder:
        path = os.path.join(folder, "out" + suffix)
        head = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args]
        if piped:
            fmt = {".webm": "webm", ".ogg": "ogg"}[suffix]
            result = subprocess.run(
                [*head, "-f", fmt, "pipe:1"], capture_output=True, check=True, timeout=120
            )
            return result.stdout
        subprocess.run([*head, path], capture_output=True, check=True, timeout=120)
        with open(path, "rb") as f:
            return f.read()


def sine(seconds: float = 3, freq: int = 440) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}"]


def noise(seconds: float = 3) -> list[str]:
    return ["-f", "lavfi", "-i", f"anoisesrc=duration={seconds}:amplitude=0.1:seed=7"]


def webm_opus(seconds: float = 3) -> File:
    """What Chrome's MediaRecorder sends: Opus in WebM, written live (no length in the header)."""
    data = make([*sine(seconds), "-c:a", "libopus", "-b:a", "32k"], ".webm", piped=True)
    return "voice.webm", data, "audio/webm"


def ogg_opus(seconds: float = 3) -> File:
    tags = ["-metadata", f"title={TAG}", "-metadata", f"artist={TAG}"]
    data = make([*noise(seconds), "-c:a", "libopus", "-b:a", "32k", *tags], ".ogg")
    return "voice.ogg", data, "audio/ogg"


def m4a_aac(seconds: float = 3) -> File:
    """An iPhone's recording: AAC in MP4, with tags."""
    data = make([*sine(seconds, 330), "-c:a", "aac", "-metadata", f"title={TAG}"], ".m4a")
    return "录音 2026-03-01.m4a", data, "audio/mp4"


def mp3(seconds: float = 3) -> File:
    data = make([*sine(seconds, 550), "-c:a", "libmp3lame", "-metadata", f"title={TAG}"], ".mp3")
    return "voice.mp3", data, "audio/mpeg"


def wav(seconds: float = 2) -> File:
    return "voice.wav", make([*sine(seconds), "-c:a", "pcm_s16le", "-ac", "1"], ".wav"), "audio/wav"


def _cut(file: File, share: float = 0.6) -> File:
    name, data, ctype = file
    return name, data[: int(len(data) * share)], ctype


def endless_silence() -> File:
    """Ten minutes of silence, small and streamed: no length in the header, only in the stream itself."""
    data = make(
        ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "600", "-c:a", "libopus", "-b:a", "6k"],
        ".webm",
        piped=True,
    )
    return "voice.webm", data, "audio/webm"


def long_with_header() -> File:
    """Three minutes whose header says so (over the two-minute limit)."""
    data = make([*sine(180), "-c:a", "libopus", "-b:a", "8k"], ".ogg")
    return "voice.ogg", data, "audio/ogg"


def video_with_sound() -> File:
    data = make(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=64x48:rate=5",
            *sine(2),
            "-c:v",
            "libvpx",
            "-c:a",
            "libopus",
        ],
        ".webm",
    )
    return "voice.webm", data, "audio/webm"


def png_as_audio() -> File:
    data = make(["-f", "lavfi", "-i", "color=c=blue:size=8x8", "-frames:v", "1"], ".png")
    return "voice.m4a", data, "audio/mp4"


HOSTILE: dict[str, Callable[[], File]] = {
    "HTML named .ogg": lambda: ("voice.ogg", b"<!doctype html><html><body>" + SCRIPT, "audio/ogg"),
    "ten minutes of silence, streamed": endless_silence,
    "three minutes, length in the header": long_with_header,
    "a picture named .m4a": png_as_audio,
    "a video with sound": video_with_sound,
    "truncated WebM": lambda: _cut(webm_opus(4)),
    "truncated Ogg": lambda: _cut(ogg_opus(4)),
    "truncated MP4": lambda: _cut(m4a_aac(4)),
    "an HLS playlist named .ogg": lambda: (
        "voice.ogg",
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n",
        "audio/ogg",
    ),
}
SOUND: dict[str, Callable[[], File]] = {
    "Opus in WebM (Chrome)": webm_opus,
    "Opus in Ogg (Firefox)": ogg_opus,
    "AAC in MP4 (iPhone)": m4a_aac,
    "MP3": mp3,
    "WAV": wav,
}
