"""Lists of any length out to a sheet: keyset batches from the database, rows streamed into a write-only
workbook (openpyxl keeps one row in memory, not the sheet), so time grows with the rows and memory does not.

``keyset`` reads ``ORDER BY <key> LIMIT n`` and then ``WHERE (<key>) after <the last row's>``: every batch is
one index range, however deep into the list, where ``OFFSET`` would read and drop every row before it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Q, QuerySet
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
    if isinstance(value, str):
        return text(value) if value else None
    return value


def write_xlsx(
    target: str | IO[bytes],
    *,
    title: Any,
    headers: Sequence[Any],
    batches: Iterable[Sequence[Sequence[Any]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet to ``target`` (a path or a binary file) as an office prints it: the title on the tab, a
    frozen bold header repeated on every printed page, widths that fit Chinese text (measured on the header
    and the first batch), numbers as numbers, times as dates, user text escaped and wrapped. Returns the
    number of rows written; ``progress(rows so far)`` is called after each batch."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    batches = iter(batches)
    first = [[_clean(v) for v in row] for row in next(batches, [])]
    for index, header in enumerate(headers):
        widest = max([width(header), *(width(row[index]) for row in first)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(6, min(widest + 2, 40))
    sheet.freeze_panes = "A2"  # the header stays on screen
    sheet.print_title_rows = "1:1"  # and prints on every page
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, str(header))
        cell.font = bold
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        head.append(cell)
    sheet.append(head)

    def styled(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if isinstance(value, str) and ("\n" in value or len(value) > 20):
            cell = WriteOnlyCell(sheet, value)
            cell.alignment = top
            return cell
        return value

    written = 0
    for rows in _chain(first, batches):
        for row in rows:
            sheet.append([styled(v) for v in row])
        written += len(rows)
        if progress is not None:
            progress(written)
    book.save(target)
    return written


def _chain(
    first: list[list[Any]], rest: Iterator[Sequence[Sequence[Any]]]
) -> Iterator[Sequence[Sequence[Any]]]:
    yield first
    for rows in rest:
        yield [[_clean(v) for v in row] for row in rows]
