"""Tracking codes people read out, type and copy: ``CG-7K3M-R9``.

Two letters of the town (``Town.tracking_prefix``), five random characters and a check character, from an
alphabet without the look-alikes 0/O, 1/I/L and U. The letters and the dashes mean nobody takes it for a
phone number; the check character (Luhn mod 30) catches one wrong character and two swapped neighbours
before a tracking try is spent. Codes made before (11 digits, ``10026000123``) keep working: they are
looked up as they are.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
N = len(ALPHABET)
RANDOM_CHARS = 5
DEFAULT_PREFIX = "LX"  # 连心, for a town that has not chosen its letters
_NEW = re.compile(rf"([A-Z]{{2}})([{ALPHABET}]{{{RANDOM_CHARS + 1}}})")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―·・.]+")


def check_char(body: str) -> str:
    """The Luhn mod N check character of ``body`` (characters of ALPHABET)."""
    total, factor = 0, 2
    for ch in reversed(body):
        addend = factor * ALPHABET.index(ch)
        total += addend // N + addend % N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(N - total % N) % N]


def is_valid_body(body: str) -> bool:
    return len(body) == RANDOM_CHARS + 1 and check_char(body[:-1]) == body[-1]


def prefix_of(town: object) -> str:
    return (getattr(town, "tracking_prefix", "") or DEFAULT_PREFIX).upper()


def render(prefix: str, body: str) -> str:
    return f"{prefix}-{body[:4]}-{body[4:]}"


def make(town: object) -> str:
    """A fresh code for ``town`` (the caller makes sure it is unused)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return render(prefix_of(town), body + check_char(body))


def normalise(text: str) -> str:
    """The code as stored, from what a person typed or pasted: full-width characters, lower case, spaces
    and any kind of dash are forgiven. An old all-digit code comes back as its digits."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    if m := _NEW.fullmatch(compact):
        return render(m.group(1), m.group(2))
    return compact


def looks_new(code: str) -> bool:
    """Whether ``code`` (normalised) has the new form."""
    return bool(_NEW.fullmatch(code.replace("-", "")))


def mistyped(code: str) -> bool:
    """A new-form code whose check character does not match: a typo, not worth a tracking try."""
    return looks_new(code) and not is_valid_body(code.replace("-", "")[2:])


def new_pin() -> str:
    """A four-digit PIN for the slip of a person with no phone: it stands where the phone's last four
    digits stand on the tracking page, under the same limits on wrong tries."""
    return f"{secrets.randbelow(10**4):04d}"


def pin_hash(code: str, pin: str) -> str:
    """Keyed with the site's secret and the code, so a leaked table does not give the PINs away cheaply."""
    return salted_hmac("lianxin.demands.pin", f"{code}:{pin}").hexdigest()
