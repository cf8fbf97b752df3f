"""Parsing of ids that arrive in query strings and hidden fields of the public pages."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL (bigint) can hold


def query_id(value: object) -> int | None:
    """An id as ASCII digits in 1..2**63-1, else None (treated as absent).

    ``str.isdigit`` alone is not enough: ``"²".isdigit()`` is True but ``int("²")`` fails, and ``int``
    takes full-width digits that no link of ours ever contains; a larger number overflows SQLite.
    """
    text = value if isinstance(value, str) else ""
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
