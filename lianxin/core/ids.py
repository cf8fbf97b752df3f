"""Database ids from client text: ASCII digits only, within the range every database can compare."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # a bigint; SQLite raises OverflowError beyond it, PostgreSQL a DataError


def parse_id(value: str) -> int | None:
    """The id written in ``value``, or None. ``"²".isdigit()`` is True, so ``isdigit`` alone is not enough."""
    value = value.strip()
    if not (0 < len(value) <= len(str(MAX_ID)) and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def query_id(value: object) -> int | None:
    """An id from a query string or hidden field, exactly as our links write it (no spaces), else None."""
    if not isinstance(value, str) or value != value.strip():
        return None
    return parse_id(value)
