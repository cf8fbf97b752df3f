"""Hostile files, made here from nothing: each is (name, bytes, content type) as a browser would send it."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

SCRIPT = b"<script>fetch('/api/v1/demands/').then(r=>r.text()).then(alert)</script>"
File = tuple[str, bytes, str]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 120, 10)).save(out, format="JPEG")
    return out.getvalue()


def pdf(*, javascript: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        writer.add_open_action(JavaScript("app.alert('owned');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb() -> bytes:
    """A PNG whose header claims 50,000 × 50,000 pixels (2.5 gigapixels, 7 GB decoded) in a few hundred bytes:
    a decoder that trusts it fills the memory."""
    row = b"\0" + b"\0" * (50_000 * 3)
    idat = zlib.compress(row * 20, 9)  # the first rows; the header is what a careless decoder believes
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def zip_bomb() -> bytes:
    """An Excel-shaped zip of ~300 KB whose sheet unpacks to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(300):
                sheet.write(block)
    return out.getvalue()


def xlsx_with_macros() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr(
            "xl/vbaProject.bin", b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nShell "calc"\nEnd Sub'
        )
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48 + b"PE\0\0" + b"\0" * 200

# Refused on every path, whatever it accepts: nothing of these may be kept in any form.
REFUSED: dict[str, Callable[[], File]] = {
    "HTML renamed .jpg": lambda: ("photo.jpg", b"<!doctype html><html><body>" + SCRIPT, "image/jpeg"),
    "SVG with a script": lambda: (
        "map.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + SCRIPT + b"</svg>",
        "image/svg+xml",
    ),
    "SVG renamed .png": lambda: (
        "map.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "image/png",
    ),
    "GIF/JavaScript polyglot": lambda: (
        "anim.gif",
        b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1)//;",
        "image/gif",
    ),
    "EXE": lambda: ("setup.exe", EXE, "application/x-msdownload"),
    "EXE renamed .jpg": lambda: ("setup.jpg", EXE, "image/jpeg"),
    "double extension (.jpg.php)": lambda: ("photo.jpg.php", b"<?php system($_GET['c']); ?>", "image/jpeg"),
    "path traversal name with HTML": lambda: ("../../../static/index.html", b"<html>" + SCRIPT, "text/html"),
    "decompression-bomb PNG": lambda: ("big.png", png_bomb(), "image/png"),
    "zip bomb": lambda: ("ledger.xlsx", zip_bomb(), "application/zip"),
    "workbook with macros": lambda: ("ledger.xlsx", xlsx_with_macros(), "application/vnd.ms-excel"),
    "PDF header over HTML": lambda: ("x.pdf", b"%PDF-1.4\n<html>" + SCRIPT, "application/pdf"),
    "oversize": lambda: ("big.png", png() + b"\0" * 4096, "image/png"),  # the limits are lowered to 2 KB
}
# Bytes that are a real photo or document carrying something hostile: refused where the type is not
# accepted, elsewhere kept only as a copy the platform wrote itself (pixels only; pages only; random name).
CLEANED: dict[str, Callable[[], File]] = {
    "JPEG polyglot (image + script) named .php.jpg": lambda: ("shell.php.jpg", jpeg() + SCRIPT, "image/jpeg"),
    "path traversal name with a PNG": lambda: ("../../../../etc/cron.d/x.png", png(), "image/png"),
    "PDF with JavaScript": lambda: ("整改报告.pdf", pdf(javascript=True), "application/pdf"),
}
