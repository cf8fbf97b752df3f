"""Lists of any length out to a sheet: keyset batches from the database, rows streamed into a write-only
workbook (openpyxl keeps one row in memory, not the sheet), so time grows with the rows and memory does not.

``keyset`` reads ``ORDER BY <key> LIMIT n`` and then ``WHERE (<key>) after <the last row's>``: every batch is
one index range, however deep into the list, where ``OFFSET`` would read and drop every row before it.

``Book`` is the one workbook writer of the product (the lists, the ledgers, the analysis, the monthly report):
whatever a user typed goes in as text, never as a formula, and without the characters XML refuses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDE = {"W", "F"}  # East Asian wide and full-width characters take two columns


# --- reading ----------------------------------------------------------------------------------------
def _after(order: Sequence[str], last: Sequence[Any]) -> Q:
    """The rows that come after ``last`` in ``order`` (a unique key): (a, b) > (x, y) is a > x or a = x and
    b > y, each column in its own direction."""
    after = Q()
    equal: dict[str, Any] = {}
    for field, value in zip(order, last, strict=True):
        name = field.lstrip("-")
        step = Q(**equal, **{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
        after = step if not after else after | step
        equal[name] = value
    # The same bound on the first column alone, redundant but plain: the database reads it as the start of an
    # index range (an OR is only a filter, and every batch would scan again from the top of the list).
    first = order[0]
    return Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": last[0]}) & after


def keyset(
    queryset: QuerySet[Any], *, order: Sequence[str] = ("-created_at", "-pk"), batch: int = BATCH
) -> Iterator[list[Any]]:
    """The rows of ``queryset`` in ``order`` (which must end in a unique column), ``batch`` at a time."""
    queryset = queryset.order_by(*order)
    last: tuple[Any, ...] | None = None
    while True:
        page = queryset if last is None else queryset.filter(_after(order, last))
        rows = list(page[:batch])
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        last = tuple(getattr(rows[-1], field.lstrip("-")) for field in order)


# --- writing ----------------------------------------------------------------------------------------
def text(value: str) -> str:
    """A user's text, safe in a cell: no control characters, and no formula (a leading quote, as Excel's own
    "text" marker, keeps ``=HYPERLINK(…)`` readable and inert)."""
    value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    lines = str(value if value is not None else "").splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in WIDE else 1 for ch in line) for line in lines)


def sheet_title(title: Any) -> str:
    return (SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip() or "Sheet")[:31]


def _clean(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazy translation: its words in the active language
        value = str(value)
    if isinstance(value, str):
        return text(value) if value else None
    return value


class Book:
    """Every workbook the product writes: one or more sheets, each value a user typed made safe on its way in
    (``text``: no formula, no character XML refuses), in a write-only openpyxl workbook (one row in memory).

    ``table`` writes a list as an office prints it; ``sheet`` gives a free-form sheet (a report's figures) whose
    rows go through the same escaping. Sheets are written one after the other, then ``save``."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)

    def sheet(self, title: Any) -> Sheet:
        return Sheet(self._book.create_sheet(title=sheet_title(title)))

    def table(
        self,
        title: Any,
        *,
        headers: Sequence[Any],
        batches: Iterable[Sequence[Sequence[Any]]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """One list on its own sheet: the title on the tab, a frozen bold header repeated on every printed
        page, widths that fit Chinese text (measured on the header and the first batch), numbers as numbers,
        times as dates, user text escaped and wrapped. Returns the rows written; ``progress(rows so far)`` is
        called after each batch."""
        sheet = self.sheet(title)
        batches = iter(batches)
        first = [[_clean(v) for v in row] for row in next(batches, [])]
        for index, header in enumerate(headers):
            widest = max([width(header), *(width(row[index]) for row in first)])
            sheet.raw.column_dimensions[get_column_letter(index + 1)].width = max(6, min(widest + 2, 40))
        sheet.raw.freeze_panes = "A2"  # the header stays on screen
        sheet.raw.print_title_rows = "1:1"  # and prints on every page
        sheet.append(headers, bold=True)
        written = 0
        for rows in _chain(first, batches):
            for row in rows:
                sheet.append_clean(row)
            written += len(rows)
            if progress is not None:
                progress(written)
        return written

    def save(self, target: str | IO[bytes]) -> None:
        self._book.save(target)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()


class Sheet:
    """A sheet of a ``Book``: rows appended in order, every value escaped."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._top = Alignment(vertical="top", wrap_text=True)

    def append(self, values: Iterable[Any], *, bold: bool = False, size: float | None = None) -> None:
        """One row; ``bold`` (and a font ``size``) for a heading or a header."""
        if not bold:
            self.append_clean([_clean(v) for v in values])
            return
        font = Font(bold=True, size=size) if size else Font(bold=True)
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.raw, _clean(value if value is None else str(value)))
            cell.font = font
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        self.raw.append(cells)

    def append_clean(self, values: Iterable[Any]) -> None:
        self.raw.append([self._styled(v) for v in values])

    def _styled(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(self.raw, value)
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if isinstance(value, str):
            # Written as a string cell, never left to openpyxl's guess (a text starting with "=" is a formula).
            cell = WriteOnlyCell(self.raw, value)
            cell.data_type = "s"
            if "\n" in value or len(value) > 20:
                cell.alignment = self._top
            return cell
        return value


def write_xlsx(
    target: str | IO[bytes],
    *,
    title: Any,
    headers: Sequence[Any],
    batches: Iterable[Sequence[Sequence[Any]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """One list as a one-sheet workbook written to ``target`` (a path or a binary file): ``Book.table``."""
    book = Book()
    written = book.table(title, headers=headers, batches=batches, progress=progress)
    book.save(target)
    return written


def _chain(
    first: list[list[Any]], rest: Iterator[Sequence[Sequence[Any]]]
) -> Iterator[Sequence[Sequence[Any]]]:
    yield first
    for rows in rest:
        yield [[_clean(v) for v in row] for row in rows]
