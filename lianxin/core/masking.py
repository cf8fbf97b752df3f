"""Masking of personal data for everyone who does not need to see it in full."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """138****5678: the first three and last four digits stay, as on Chinese receipts."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """张* / 欧阳** / J*** : the family name (first character) stays."""
    if not name:
        return ""
    name = name.strip()
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(number: str | None) -> str:
    """410724********1234: region code and the last four characters stay."""
    if not number:
        return ""
    number = number.strip()
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
