"""QR codes (segno: SVG and PNG without Pillow), for any page that prints one (the portal's entry codes, the
duty record's check-in codes)."""

from __future__ import annotations

import io

import segno


def render_qr(url: str, fmt: str) -> tuple[bytes, str]:
    """(bytes, content type) of the QR code for ``url``; fmt is ``svg`` or ``png``."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=6, border=2, xmldecl=True, svgns=True)
        return out.getvalue(), "image/svg+xml"
    code.save(out, kind="png", scale=8, border=2)
    return out.getvalue(), "image/png"
