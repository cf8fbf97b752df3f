"""Importing old ledgers (旧台账): demands kept in Excel, CSV or JSON Lines, brought in as history.

The columns (English or Chinese headers; see docs/insight.md) are read row by row:

1. parse the file into rows of strings (XLSX: the first sheet, headers on row 1; CSV: UTF-8, with or
   without BOM, or what Chinese Excel saves, GBK/GB18030, told apart by charset-normalizer; JSON Lines: one
   object a line). Headings are matched loosely (full-width brackets and slashes, spaces and case do not
   matter) against the many an office uses (``COLUMNS``), and so are the values (``CHANNEL_WORDS``);
2. check each row and resolve its references in the town (category, cell or place or coordinates,
   department, deputy); a bad row is reported with its number, the sheet's own heading and a message that
   lists the values allowed, and skipped. What can be imported but is not quite whole (a closed row with no
   办理结果) is imported with a warning of its row. A cell with
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
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianxin.core import clock, limits
from lianxin.core.fields import lookup_hash
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

# column → the headers that name it (the first is the documented English one, the second the Chinese heading
# named when the sheet has none of them)
COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "编号", "台账编号", "序号", "登记编号", "工单号", "工单编号"),
    "received_at": ("received_at", "收到时间", "受理时间", "登记时间", "反映时间", "来电时间", "登记日期",
                    "受理日期", "反映日期", "日期", "时间"),
    "channel": ("channel", "渠道", "来源", "反映渠道", "来源渠道", "反映方式", "受理方式"),
    "title": ("title", "标题", "摘要", "事项", "事项名称"),
    "text": ("text", "内容", "诉求内容", "反映内容", "问题描述", "来电内容", "事项内容", "具体内容",
             "反映问题", "诉求"),
    "category": ("category", "类别", "分类", "问题类别", "诉求类别", "问题类型", "诉求类型"),
    "cell": ("cell", "网格", "村社区", "所属村/社区", "所属村(社区)", "村/社区", "村(社区)", "所属村",
             "所属社区", "所属网格", "村居"),
    "place": ("place", "地点", "站点", "地址", "详细地址", "发生地点"),
    "lat": ("lat", "纬度"),
    "lng": ("lng", "经度"),
    "status": ("status", "状态", "办理状态", "是否办结"),
    "department": ("department", "承办部门", "部门", "承办单位", "责任单位", "办理单位", "交办单位"),
    "deputy": ("deputy", "代表", "接单代表", "联系代表", "责任代表"),
    "closed_at": ("closed_at", "办结时间", "办结日期", "完成时间"),
    "outcome": ("outcome", "办理结果", "结果", "办结情况", "处理结果", "答复情况"),
    "name": ("name", "反映人", "来电人", "诉求人", "姓名", "群众姓名"),
    "phone": ("phone", "联系电话", "电话", "手机", "手机号", "联系方式"),
}  # fmt: skip


def heading_key(value: Any) -> str:
    """A heading as compared: full-width forms folded (（）／ → ()/), spaces dropped, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


HEADER = {heading_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}

# The words offices write for a channel, beside its own labels in either language.
CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "hotline": ("12345", "12345热线", "热线", "市长热线", "电话", "来电", "phone", "hotline"),
    "deputy_visit": ("走访", "visit", "入户走访", "代表走访", "上门走访", "走访群众"),
    "mobile": ("微信", "wechat", "小程序", "网上", "手机", "online"),
    "walk_in": ("来访", "上门", "窗口", "当面"),
    "station": ("联络站", "代表联络站", "站点接待", "接待日"),
    "evening_talk": ("夜谈", "夜话", "院坝会"),
}

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
    "已办结": Outcome.RESOLVED,
    "办结": Outcome.RESOLVED,
    "已处理": Outcome.RESOLVED,
    "已答复": Outcome.EXPLAINED,
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
    field: str  # the column's key (``COLUMNS``)
    message: str
    heading: str = ""  # the column as the sheet heads it: what the office reads

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message, "heading": self.heading}


@dataclass
class Report:
    total: int = 0
    created: int = 0
    skipped: int = 0  # already imported
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # imported rows, with what was missing

    @property
    def failed(self) -> int:
        return len({e.row for e in self.errors})


class Rows(list[dict[str, str]]):
    """The rows read from a file, and the sheet's own heading of each column it has (``headings``)."""

    headings: dict[str, str]

    def __init__(self, rows: Any = (), headings: dict[str, str] | None = None) -> None:
        super().__init__(rows)
        self.headings = headings or {}


def heading_of(name: str, headings: dict[str, str]) -> str:
    """The heading the sheet gives a column; for a column it lacks, the usual one (Chinese, or the English key
    on an English page)."""
    if not name:
        return ""
    if name in headings:
        return headings[name]
    aliases = COLUMNS.get(name, (name,))
    english = (translation.get_language() or "").startswith("en")
    return aliases[0] if english or len(aliases) < 2 else aliases[1]


def decode_text(data: bytes) -> str:
    """A text file's characters: UTF-8 (with or without BOM) when it is, else the encoding charset-normalizer
    finds among the Chinese ones Excel saves (GBK, GB2312, GB18030, Big5); GBK and GB2312 are read as their
    superset GB18030. A file it cannot tell is refused with how to save it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    if best is None:
        raise FileError(
            _("The file's encoding cannot be told: save it again as CSV (UTF-8) or as an Excel workbook.")
        )
    encoding = (
        "gb18030" if best.encoding.replace("_", "").lower() in {"gbk", "gb2312", "gb18030"} else best.encoding
    )
    return data.decode(encoding)


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
            raw = list(csv.DictReader(io.StringIO(decode_text(data), newline="")))
        else:
            raw = _json_lines(decode_text(data))
    except FileError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as e:
        raise FileError(_("The file cannot be read: %(error)s") % {"error": e}) from e
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileError(_("The file cannot be read as a workbook.")) from e
    rows = Rows()
    for number, r in enumerate(raw, start=2):
        if UNREADABLE in r:
            rows.append({NUMBER: str(number), UNREADABLE: str(r[UNREADABLE])})
            continue
        row: dict[str, str] = {}
        for k, v in r.items():
            if k and heading_key(k) in HEADER:
                name = HEADER[heading_key(k)]
                rows.headings.setdefault(name, str(k).strip())
                if name not in row or not row[name]:  # two headings of one column: the first filled one
                    row[name] = _text(v)
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
            text = decode_text(data)
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
    columns = {HEADER.get(heading_key(k)) for k in head}
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
        self.channels = {heading_key(v): v for v in Channel.values}
        for lang in ("en", "zh-hans"):  # a ledger names a channel in either language
            with translation.override(lang):
                self.channels |= {heading_key(label): v for v, label in Channel.choices}
        for value, words in CHANNEL_WORDS.items():
            self.channels |= {heading_key(word): value for word in words}

    def channel(self, value: str) -> str | None:
        return self.channels.get(heading_key(value)) if value else Channel.WALK_IN


def allowed(values: Any) -> str:
    """Values a column accepts, as a message lists them."""
    return "、".join(str(v) for v in dict.fromkeys(values) if str(v))


def channel_values() -> list[str]:
    """The channels a ledger may name: each one's label, then the words offices use."""
    return [str(label) for _v, label in Channel.choices] + [w for ws in CHANNEL_WORDS.values() for w in ws]


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


def check_row(
    t: TownNames,
    row: dict[str, str],
    number: int,
    *,
    headings: dict[str, str] | None = None,
    warnings: list[RowError] | None = None,
) -> tuple[dict[str, Any], list[RowError]]:
    """The demand's values from one row, or the row's errors (each naming the sheet's own heading,
    ``headings``); what is imported but missing goes to ``warnings``."""
    errors: list[RowError] = []
    headings = headings or {}

    def bad(name: str, message: str) -> None:
        errors.append(RowError(number, name, message, heading_of(name, headings)))

    def warn(name: str, message: str) -> None:
        if warnings is not None:
            warnings.append(RowError(number, name, message, heading_of(name, headings)))

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
    channel = t.channel(row.get("channel", ""))
    if channel is None:
        bad(
            "channel",
            _("Unknown channel: %(value)s. Allowed: %(allowed)s.")
            % {"value": row["channel"], "allowed": allowed(channel_values())},
        )
    values["channel"] = channel or Channel.WALK_IN
    category = t.categories.get(row.get("category", ""))
    if category is None:
        bad(
            "category",
            _("Unknown category: %(value)s. Allowed: %(allowed)s.")
            % {"value": row.get("category", "") or "—", "allowed": allowed(t.categories)},
        )
    values["category"] = category
    cell = station = None
    if row.get("cell"):
        cell = t.cells.get(row["cell"])
        if cell is None:
            bad(
                "cell",
                _("Unknown grid cell: %(value)s. Allowed: %(allowed)s.")
                % {"value": row["cell"], "allowed": allowed(c.name for c in t.cell_by_pk.values())},
            )
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
            bad(
                "status",
                _("Unknown status: %(value)s. Allowed: %(allowed)s.")
                % {"value": row["status"], "allowed": allowed(STATUSES)},
            )
    else:
        status = Status.CLOSED if row.get("closed_at") else Status.RECORDED
    values["status"] = status
    department = None
    if row.get("department"):
        department = t.departments.get(row["department"])
        if department is None:
            bad(
                "department",
                _("Unknown department: %(value)s. Allowed: %(allowed)s.")
                % {"value": row["department"], "allowed": allowed(t.departments)},
            )
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
        said = row.get("outcome", "").strip()
        outcome = OUTCOMES.get(said.lower())
        if outcome is None and not said:
            warn("outcome", _("Closed without an outcome: imported with none recorded."))
        elif outcome is None:  # the office's own words: kept on the closing event, the outcome left open
            warn(
                "outcome",
                _(
                    "Outcome not one of %(allowed)s: imported with none recorded, the text kept in the history."
                )
                % {"allowed": allowed(OUTCOMES)},
            )
            values["result_note"] = said
        if deputy_id is None:
            bad("deputy", _("A closed item needs the deputy who handled it (or a cell a deputy serves)."))
        values.update(closed_at=closed, outcome=outcome or "")
    if row.get("name"):
        values["requester_name"] = row["name"]
    if row.get("phone"):
        values["requester_phone"] = row["phone"]
    values["deputy_id"] = deputy_id
    return values, errors


def _write(town: Town, values: dict[str, Any], key: str, actor: Any) -> str:
    """Write one old demand with its events; returns its status (the chunk counts it)."""
    received: dt.datetime = values["created_at"]
    department = values.pop("department")
    result_note = values.pop("result_note", "")
    if values.get("requester_phone"):
        values["requester_phone_hash"] = lookup_hash(values["requester_phone"])
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
            note=f"{note} {_('Outcome')}: {result_note}" if result_note else note,
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
    headings = getattr(rows, "headings", {})
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
                warnings: list[RowError] = []
                values, errors = check_row(t, row, i, headings=headings, warnings=warnings)
                if errors:
                    report.errors.extend(errors)
                    continue
                status = _write_alone(town, values, key, actor)
                if isinstance(status, RowError):
                    report.errors.append(RowError(i, status.field, status.message, status.heading))
                    continue
                report.warnings.extend(warnings)
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
