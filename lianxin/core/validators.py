"""Checks and foldings of what people type, shared by the models, the forms, the API and the importers.

Names refuse invisible control and formatting characters: a right-to-left override (U+202E) in a party's
name makes "Zhang San" read backwards on every page, list and PDF that shows it. Phone and ID numbers typed
with a Chinese input method arrive in full-width forms (``１３８…``, ``ｘ``); they are folded to ASCII
(Unicode NFKC) before they are checked, so a right number is taken and a wrong one is told what is wrong.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ZERO_WIDTH_JOINER = "\u200d"  # joins emoji and some scripts' letters: harmless in a name

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")  # a mainland mobile or a landline with its area code
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")


# C0 controls and DEL, but tab, line feed and carriage return: what no text a person writes holds (PostgreSQL
# stores no NUL at all). The control-character middleware refuses requests by this rule; importers, rows.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_characters(value: str) -> list[str]:
    """The control characters of ``value`` by ``TEXT_CONTROL``, as ``U+XXXX``, each once."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in TEXT_CONTROL.findall(value or "")))


def hidden_characters(value: str) -> list[str]:
    """The control and format characters of ``value`` (Unicode categories Cc and Cf, line and paragraph
    separators), the bidi overrides and isolates among them, as ``U+XXXX``; the zero-width joiner is let be."""
    found = []
    for ch in value:
        if ch == ZERO_WIDTH_JOINER:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            found.append(f"U+{ord(ch):04X}")
    return found


def validate_person_name(value: str) -> None:
    """A person's name: no invisible characters that reorder or hide what is shown."""
    if hidden := hidden_characters(value or ""):
        raise ValidationError(
            _("A name cannot contain invisible control characters (found %(chars)s). Type the name again."),
            code="hidden_characters",
            params={"chars": ", ".join(dict.fromkeys(hidden))},
        )


def fold(value: str) -> str:
    """Full-width digits, letters and signs to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


def normalise_phone(value: str) -> str:
    """A phone number as typed, in ASCII; spaces and dashes stay (a landline is written with them)."""
    return fold(value)


def normalise_id_number(value: str) -> str:
    """An ID number in ASCII, without the spaces and dashes people group it with, its check character
    upper case (``x`` → ``X``)."""
    return re.sub(r"[\s\-]", "", fold(value)).upper()


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value):
        raise ValidationError(_("Enter a phone number of digits only."), code="invalid_phone")


def validate_id_number(value: str) -> None:
    if not value:
        return
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_number_length",
            params={"count": len(value)},
        )
    if not ID_NUMBER.match(value):
        raise ValidationError(_("An ID number is 17 digits and a last digit or X."), code="invalid_id_number")
