"""Importing old ledgers (旧台账): demands kept in Excel, CSV or JSON Lines, brought in as history.

The columns (English or Chinese headers; see docs/insight.md) are read row by row:

1. parse the file into rows of strings (XLSX: the first sheet, headers on row 1; CSV: UTF-8, with or
   without BOM; JSON Lines: one object a line);
2. check each row and resolve its references in the town (category, cell or place or coordinates,
   department, deputy); a bad row is reported with its number, field and message, and skipped. A cell with
   NUL or another control character (``validators.TEXT_CONTROL``) is such a row, as is a JSON line that does
   not parse: one bad row never refuses the file;
3. write each good row in its own savepoint: the demand, its record (and close) events, and for a closed
   one its assignment, all at the ledger's own times. A row the database still refuses is rolled back to its
   savepoint and reported like a bad one; the rows before and after it are kept. No domain event is
   published, so nobody is notified and no webhook fires: this is history, not a new case.

Idempotent: each row gets a key (``import:`` + the row's ``ref`` column, or a digest of its time, text and
place), stored as the demand's ``intake_key``; a row whose key exists is skipped, so a re-import adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianxin.core import clock, limits
from lianxin.core.models import Town
from lianxin.core.validators import control_characters
from lianxin.demands import counters
from lianxin.demands.events import Event
from lianxin.demands.models import (
    Assignment,
    Category,
    Channel,
    Demand,
    DemandEvent,
    Outcome,
)
from lianxin.demands.services import new_code
from lianxin.demands.states import Status
from lianxin.people.models import Department, Deputy, DeputyCell
from lianxin.territory.geometry import CellIndex
from lianxin.territory.models import GridCell, Station

# column → the headers that name it (the first is the documented English one)
COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "编号", "台账编号", "序号"),
    "received_at": ("received_at", "收到时间", "受理时间", "登记时间"),
    "channel": ("channel", "渠道", "来源"),
    "title": ("title", "标题", "摘要"),
    "text": ("text", "内容", "诉求内容", "问题描述"),
    "category": ("category", "类别", "分类"),
    "cell": ("cell", "网格", "村社区"),
    "place": ("place", "地点", "站点"),
    "lat": ("lat", "纬度"),
    "lng": ("lng", "经度"),
    "status": ("status", "状态"),
    "department": ("department", "承办部门", "部门"),
    "deputy": ("deputy", "代表", "接单代表"),
    "closed_at": ("closed_at", "办结时间"),
    "outcome": ("outcome", "办理结果", "结果"),
}
HEADER = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}

# Imported statuses: open on the problem list, or finished one way or another.
STATUSES = {
    "recorded": Status.RECORDED,
    "open": Status.RECORDED,
    "待办": Status.RECORDED,
    "待处理": Status.RECORDED,
    "未办结": Status.RECORDED,
    "closed": Status.CLOSED,
    "已办结": Status.CLOSED,
    "办结": Status.CLOSED,
    "declined": Status.DECLINED,
    "不予受理": Status.DECLINED,
    "transferred": Status.TRANSFERRED,
    "上交": Status.TRANSFERRED,
    "转办": Status.TRANSFERRED,
}
OUTCOMES = {
    "resolved": Outcome.RESOLVED,
    "解决": Outcome.RESOLVED,
    "已解决": Outcome.RESOLVED,
    "explained": Outcome.EXPLAINED,
    "解释": Outcome.EXPLAINED,
    "已解释": Outcome.EXPLAINED,
}
# The longest a cell may be, by column (the demand's own bounds); a longer cell is an error of its row, never
# cut and stored. Columns not named here hold a name, a code or a time: OTHER_CELL is plenty.
CELL_LIMITS = {"text": limits.TEXT, "title": 80, "place": 120}
OTHER_CELL = 200
FORMATS = ("xlsx", "csv", "jsonl")
CHUNK = 25
# Keys a row carries besides its columns: its number in the file, and why it could not be read at all.
NUMBER, UNREADABLE = "#row", "#unreadable"
BEAT_ROWS = 1000  # reading a large workbook says it is alive this often (``read_rows(beat=…)``)
KEPT_ERRORS = 1000  # a job keeps this many row errors for its page; the counts count them all


class FileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class Report:
    total: int = 0
    created: int = 0
    skipped: int = 0  # already imported
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len({e.row for e in self.errors})


def format_of(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = {"json": "jsonl", "ndjson": "jsonl"}.get(ext, ext)
    if ext not in FORMATS:
        raise FileError(_("Unknown file type: use .xlsx, .csv or .jsonl."))
    return ext


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _json_lines(text: str) -> list[dict[str, Any]]:
    """One object a line; a line that is not one is kept as an unreadable row, refused on its own."""
    raw: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError as e:
            parsed = {UNREADABLE: _("This line is not JSON: %(error)s") % {"error": e.msg}}
        if not isinstance(parsed, dict):
            parsed = {UNREADABLE: _("Each line must be one JSON object.")}
        raw.append(parsed)
    return raw


def _sheet(data: bytes, beat: Callable[[], None] | None) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    raw: list[dict[str, Any]] = []
    headers: list[str] | None = None
    for n, values in enumerate(sheet.iter_rows(values_only=True)):
        if headers is None:
            headers = [_text(h) for h in values]
        else:
            raw.append(dict(zip(headers, values, strict=False)))
        if beat is not None and n and n % BEAT_ROWS == 0:
            beat()
    return raw


def read_rows(data: bytes, fmt: str, *, beat: Callable[[], None] | None = None) -> list[dict[str, str]]:
    """The file's rows as {column: text}, each with its number (``NUMBER``: as in the sheet, the header being
    row 1); unknown headers are ignored, a file without a text or time column is refused as a whole. ``beat``
    is called every ``BEAT_ROWS`` rows of a workbook, the one format slow to read."""
    raw: list[dict[str, Any]]
    try:
        if fmt == "xlsx":
            raw = _sheet(data, beat)
        elif fmt == "csv":
            raw = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        else:
            raw = _json_lines(data.decode("utf-8-sig"))
    except FileError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as e:
        raise FileError(_("The file cannot be read: %(error)s") % {"error": e}) from e
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileError(_("The file cannot be read as a workbook.")) from e
    rows = []
    for number, r in enumerate(raw, start=2):
        if UNREADABLE in r:
            rows.append({NUMBER: str(number), UNREADABLE: str(r[UNREADABLE])})
            continue
        row = {
            HEADER[str(k).strip().lower()]: _text(v)
            for k, v in r.items()
            if k and str(k).strip().lower() in HEADER
        }
        if any(row.values()):
            rows.append({**row, NUMBER: str(number)})
    if raw and not any("text" in r for r in rows):
        raise FileError(_("No text column: name one of %(names)s.") % {"names": "、".join(COLUMNS["text"])})
    if raw and not any("received_at" in r for r in rows):
        raise FileError(
            _("No time column: name one of %(names)s.") % {"names": "、".join(COLUMNS["received_at"])}
        )
    return rows


# A workbook is a zip: its parts, unpacked, may be this large at most (a zip bomb is a small file that unpacks
# to gigabytes), in this many parts, and none may be a macro project.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 2000


def check_upload(data: bytes, fmt: str) -> None:
    """Refuse, before anything is kept, a file that is not a ledger of its type: a workbook that is not a
    plain zip of an Excel workbook (or unpacks beyond MAX_UNPACKED, or carries macros), a text file that is not
    UTF-8 text, or any file whose first row names no text and no time column. Reads the header row only."""
    import zipfile

    head: dict[str, Any]
    try:
        if fmt == "xlsx":
            if not zipfile.is_zipfile(io.BytesIO(data)):
                raise FileError(_("The file is not an Excel workbook (.xlsx)."))
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = z.infolist()
                names = {p.filename.lower() for p in parts}
                if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
                    raise FileError(_("The workbook unpacks to more than 100 MB: split it."))
                if "xl/workbook.xml" not in names:
                    raise FileError(_("The file is not an Excel workbook (.xlsx)."))
                if any(n.endswith("vbaproject.bin") for n in names):
                    raise FileError(_("A workbook with macros is refused: save it as a plain .xlsx."))
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            head = {_text(h): "" for h in first}
        else:
            text = data.decode("utf-8-sig")
            if "\x00" in text:
                raise FileError(_("The file is not a text file."))
            line = next((ln for ln in text.splitlines() if ln.strip()), "")
            if fmt == "csv":
                head = {h: "" for h in next(csv.reader([line]), [])}
            else:
                parsed = json.loads(line) if line else {}
                if not isinstance(parsed, dict):
                    raise FileError(_("Each line must be one JSON object."))
                head = parsed
    except FileError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as e:
        raise FileError(_("The file cannot be read: %(error)s") % {"error": e}) from e
    except Exception as e:  # a hostile workbook may break openpyxl in any way
        raise FileError(_("The file cannot be read as a workbook.")) from e
    columns = {HEADER.get(str(k).strip().lower()) for k in head}
    if "text" not in columns:
        raise FileError(_("No text column: name one of %(names)s.") % {"names": "、".join(COLUMNS["text"])})
    if "received_at" not in columns:
        raise FileError(
            _("No time column: name one of %(names)s.") % {"names": "、".join(COLUMNS["received_at"])}
        )


def _moment(text: str) -> dt.datetime | None:
    text = text.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日"):
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class TownNames:
    """The town's names, loaded once per import (a handful of queries, not one per row)."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.categories = {c.name: c for c in Category.objects.filter(town=town)}
        cells = list(GridCell.objects.filter(town=town))
        self.cells = {c.name: c for c in cells} | {c.code: c for c in cells}
        self.cell_by_pk = {c.pk: c for c in cells}
        self.index = CellIndex.build([(c.pk, c.boundary) for c in cells])
        self.stations = {s.name: s for s in Station.objects.filter(town=town)}
        departments = list(Department.objects.filter(town=town))
        self.departments = {d.name: d for d in departments} | {
            d.short_name: d for d in departments if d.short_name
        }
        self.deputies = {d.name: d for d in Deputy.objects.filter(town=town)}
        self.cell_deputy: dict[int, int] = {}
        for link in DeputyCell.objects.filter(town=town).order_by("-is_primary", "pk"):
            self.cell_deputy.setdefault(link.cell_id, link.deputy_id)
        self.channels = {v: v for v in Channel.values}
        for lang in ("en", "zh-hans"):  # a ledger names a channel in either language
            with translation.override(lang):
                self.channels |= {str(label): v for v, label in Channel.choices}


def _key(town: Town, row: dict[str, str]) -> str:
    """The row's key; a ref with a character no query may carry (NUL) gets a digest: the row is refused anyway,
    and the lookup of the file's keys must not fail the whole import."""
    if row.get("ref") and not _bad_characters(row["ref"]):
        return f"import:{row['ref']}"[:64]
    basis = "|".join(row.get(k, "") for k in ("ref", "received_at", "text", "cell", "place", "lat", "lng"))
    return "import:" + hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _bad_characters(value: str) -> dict[str, str]:
    """What in a cell no ledger holds: control characters (NUL above all) and lone surrogates (a ``\\ud800``
    escape in JSON), as ``{"chars": "U+0000, …"}``, or nothing."""
    found = control_characters(value) + [f"U+{ord(c):04X}" for c in value if 0xD800 <= ord(c) <= 0xDFFF]
    return {"chars": ", ".join(dict.fromkeys(found))} if found else {}


def check_row(t: TownNames, row: dict[str, str], number: int) -> tuple[dict[str, Any], list[RowError]]:
    """The demand's values from one row, or the row's errors."""
    errors: list[RowError] = []

    def bad(name: str, message: str) -> None:
        errors.append(RowError(number, name, message))

    if UNREADABLE in row:
        return {}, [RowError(number, "", row[UNREADABLE])]
    for name, value in row.items():
        if name == NUMBER:
            continue
        if found := _bad_characters(value):
            # the message never quotes the value: PostgreSQL would refuse the report as it refused the row
            bad(name, _("Contains a control character (%(chars)s) that is not allowed: remove it.") % found)
        elif len(value) > (limit := CELL_LIMITS.get(name, OTHER_CELL)):
            bad(name, _("Longer than %(limit)d characters: shorten it.") % {"limit": limit})
    if errors:
        return {}, errors
    values: dict[str, Any] = {}
    received = _moment(row.get("received_at", ""))
    if received is None:
        bad("received_at", _("A date and time is required (e.g. 2024-03-05 09:30)."))
    elif received > clock.now():
        bad("received_at", _("The time is in the future."))
    values["created_at"] = received
    text = row.get("text", "")
    if not text:
        bad("text", _("The text of the demand is required."))
    values["description"] = text
    values["title"] = (row.get("title") or text)[:80]
    channel = row.get("channel", "") or Channel.WALK_IN
    if channel not in t.channels:
        bad("channel", _("Unknown channel: %(value)s.") % {"value": channel})
    values["channel"] = t.channels.get(channel, Channel.WALK_IN)
    category = t.categories.get(row.get("category", ""))
    if category is None:
        bad("category", _("Unknown category: %(value)s.") % {"value": row.get("category", "")})
    values["category"] = category
    cell = station = None
    if row.get("cell"):
        cell = t.cells.get(row["cell"])
        if cell is None:
            bad("cell", _("Unknown grid cell: %(value)s.") % {"value": row["cell"]})
    if row.get("place"):
        station = t.stations.get(row["place"])
        if station is not None:
            cell = cell or station.cell
        else:
            cell = cell or next((c for name, c in t.cells.items() if name and name in row["place"]), None)
            values["address"] = row["place"][:120]
            if cell is None:
                bad(
                    "place",
                    _("No cell or station of this town is named in: %(value)s.") % {"value": row["place"]},
                )
    if row.get("lat") or row.get("lng"):
        try:
            lat, lng = float(row.get("lat", "")), float(row.get("lng", ""))
        except ValueError:
            bad("lat", _("Coordinates must be two numbers (latitude, longitude)."))
        else:
            values.update(lat=lat, lng=lng)
            if cell is None and (pk := t.index.locate(lat, lng)):
                cell = t.cell_by_pk[pk]
    values.update(cell=cell, station=station)
    raw_status = row.get("status", "").strip().lower()
    if raw_status:
        status = STATUSES.get(raw_status, Status.RECORDED)
        if raw_status not in STATUSES:
            bad("status", _("Unknown status: %(value)s.") % {"value": row["status"]})
    else:
        status = Status.CLOSED if row.get("closed_at") else Status.RECORDED
    values["status"] = status
    department = None
    if row.get("department"):
        department = t.departments.get(row["department"])
        if department is None:
            bad("department", _("Unknown department: %(value)s.") % {"value": row["department"]})
    values["department"] = department
    deputy_id = None
    if row.get("deputy"):
        dep = t.deputies.get(row["deputy"])
        if dep is None:
            bad("deputy", _("Unknown deputy: %(value)s.") % {"value": row["deputy"]})
        deputy_id = dep.pk if dep else None
    elif cell is not None:
        deputy_id = t.cell_deputy.get(cell.pk)
    if status == Status.CLOSED:
        closed = _moment(row.get("closed_at", ""))
        if closed is None:
            bad("closed_at", _("A closed item needs its closing time."))
        elif received is not None and closed < received:
            bad("closed_at", _("The closing time is before the time received."))
        outcome = OUTCOMES.get(row.get("outcome", "").strip().lower())
        if outcome is None:
            bad("outcome", _("A closed item needs its outcome: resolved or explained."))
        if deputy_id is None:
            bad("deputy", _("A closed item needs the deputy who handled it (or a cell a deputy serves)."))
        values.update(closed_at=closed, outcome=outcome or "")
    values["deputy_id"] = deputy_id
    return values, errors


def _write(town: Town, values: dict[str, Any], key: str, actor: Any) -> str:
    """Write one old demand with its events; returns its status (the chunk counts it)."""
    received: dt.datetime = values["created_at"]
    department = values.pop("department")
    status = values["status"]
    closed: dt.datetime = values.get("closed_at") or received
    with clock.at(received):
        code = new_code(town)
    demand = Demand.objects.create(
        town=town,
        code=code,
        intake_key=key,
        updated_at=closed if status != Status.RECORDED else received,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    note = _("Imported from an old ledger.")
    DemandEvent.objects.create(
        town=town,
        demand=demand,
        action=Event.RECORD,
        to_status=Status.RECORDED,
        note=note,
        at=received,
        # imported, not published: nobody was told, and the duty record does not count it
        data={DemandEvent.UNPUBLISHED: False},
    )
    if status == Status.CLOSED:
        if department is not None and getattr(actor, "pk", None):
            Assignment.objects.create(
                town=town,
                demand=demand,
                department=department,
                matter=demand.description[:200],
                standard=_("as in the old ledger"),
                due_at=closed,
                assigned_by=actor,
                assigned_at=received,
                accepted_at=received,
                completed_at=closed,
            )
        DemandEvent.objects.create(
            town=town,
            demand=demand,
            action=Event.CLOSE,
            from_status=Status.RECORDED,
            to_status=status,
            note=note,
            at=closed,
            data={DemandEvent.UNPUBLISHED: False},
        )
    elif status != Status.RECORDED:
        kind = Event.DECLINE if status == Status.DECLINED else Event.TRANSFER
        DemandEvent.objects.create(
            town=town,
            demand=demand,
            action=kind,
            from_status=Status.RECORDED,
            to_status=status,
            note=note,
            at=received,
            data={DemandEvent.UNPUBLISHED: False},
        )
    return str(status)


def _write_alone(town: Town, values: dict[str, Any], key: str, actor: Any) -> str | RowError:
    """Write one row in its own savepoint: what the database refuses of it (a value no check foresaw) rolls
    back that row alone and comes back as its error. A lost connection is no row's fault: it fails the import."""
    try:
        with transaction.atomic():
            return _write(town, values, key, actor)
    except (OperationalError, InterfaceError):
        raise
    except (DatabaseError, ValidationError, ValueError, TypeError) as e:
        reason = str(e).replace("\x00", "").splitlines()[0][:200] if str(e) else type(e).__name__
        return RowError(0, "", _("The database refused this row: %(error)s") % {"error": reason})


def import_rows(
    *,
    town: Town,
    rows: list[dict[str, str]],
    actor: Any,
    dry_run: bool = False,
    progress: Callable[[int, Report], None] | None = None,
) -> Report:
    """Check and write the rows (see the module's steps). With ``dry_run`` everything is checked, nothing kept."""
    t = TownNames(town)
    report = Report(total=len(rows))
    keys = [_key(town, r) for r in rows]
    existing = set(Demand.objects.filter(town=town, intake_key__in=keys).values_list("intake_key", flat=True))
    seen: set[str] = set()
    numbered = [
        (int(row.get(NUMBER) or position), (row, key))
        for position, (row, key) in enumerate(zip(rows, keys, strict=True), start=2)
    ]
    # In chunks, each its own transaction, so that the progress written between them is seen by the page
    # that polls it; a dry run rolls each chunk back.
    for start in range(0, len(numbered), CHUNK):
        with transaction.atomic():
            written = Counter[str]()  # no events are published: the chunk keeps the counts itself
            for i, (row, key) in numbered[start : start + CHUNK]:
                if key in existing or key in seen:
                    report.skipped += 1
                    continue
                values, errors = check_row(t, row, i)
                if errors:
                    report.errors.extend(errors)
                    continue
                status = _write_alone(town, values, key, actor)
                if isinstance(status, RowError):
                    report.errors.append(RowError(i, status.field, status.message))
                    continue
                written[status] += 1
                report.created += 1
                seen.add(key)
            counters.add(town.pk, written)
            if dry_run:
                transaction.set_rollback(True)
        if progress is not None:
            progress(min(start + CHUNK, len(numbered)), report)
    return report


def default_actor(town: Town) -> Any:
    """Who an import is recorded by when nobody is named: the first of the town who acts on insight."""
    from lianxin.accounts.models import User
    from lianxin.accounts.roles import Capability, roles_with

    return (
        User.objects.filter(town=town, is_active=True, role__in=roles_with(Capability.ACT_ON_INSIGHT))
        .order_by("pk")
        .first()
    )
