"""``lianxin manage status``: the readiness checks of /readyz as a table (or ``--json``), with every detail.

Exit status 1 when the site cannot serve (a check failed), 0 when it can (ok, or degraded with a warning).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from lianxin.ops.report import FAIL, OK, WARN, Report, readiness


class Command(BaseCommand):
    help = "Print the readiness checks (database, migrations, cache, worker, outbox, jobs, disk)."
    requires_system_checks: list[str] = []  # a status that refuses to run on a broken setting helps nobody

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="the JSON of /readyz, with every detail")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="zh-hans (default) or en, for the table"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            report = readiness()
            if options["json"]:
                self.stdout.write(json.dumps(report.as_json(details=True), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(self._table(report))
        if not report.ready:
            raise SystemExit(1)

    def _table(self, report: Report) -> str:
        marks = {OK: _("ok"), WARN: _("warning"), FAIL: _("FAILED")}
        rows = [(o.label, marks[o.level], o.message) for o in report.outcomes]
        headers = (_("check"), _("status"), _("finding"))
        widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(2)]
        lines = [_pad(headers, widths)] + [_pad(r, widths) for r in rows]
        overall = {
            "ok": _("ready to serve"),
            "degraded": _("ready to serve, with warnings"),
            "fail": _("NOT READY"),
        }
        lines.append("")
        lines.append(_("Overall: %(status)s") % {"status": overall[report.status]})
        return "\n".join(lines)


def _width(text: str) -> int:
    """Display columns: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(row: tuple[str, str, str], widths: list[int]) -> str:
    cells = [text + " " * (width - _width(text)) for text, width in zip(row[:2], widths, strict=True)]
    return "  ".join([*cells, row[2]])
