"""A first, automatic pass of redaction; the presidium reads and edits the result before publishing."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lianxin.core.masking import mask_name

# Mobile numbers (with or without +86 and separators), landlines, and 18-digit resident ID numbers.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}\d{7}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
LONG_DIGITS = re.compile(r"\d{7,}")
# What an agent's entry puts before the text (the record of consent) is not for the public.
CONSENT_LINE = re.compile(r"^【[^】]*】\s*", re.MULTILINE)


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """Remove ID numbers, phone numbers, long digit runs and the given private names."""
    out = CONSENT_LINE.sub("", text or "")
    out = ID_NUMBER.sub("[证件号已隐去]", out)
    out = MOBILE.sub("[电话已隐去]", out)
    out = LANDLINE.sub("[电话已隐去]", out)
    out = LONG_DIGITS.sub("[号码已隐去]", out)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
        if len(name) >= 2:
            # "王大爷", "李阿姨": the family name alone still points at a neighbour in a small village.
            out = out.replace(name[0] + "*" * (len(name) - 1), "某某")
    return out.strip()
