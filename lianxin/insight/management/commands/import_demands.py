"""lianxin manage import_demands FILE [--town CODE] [--by USERNAME] [--dry-run]: an old ledger, as history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.accounts.models import User
from lianxin.core.models import Town
from lianxin.insight import importer


class Command(BaseCommand):
    help = "Import demands from an old ledger (XLSX, CSV or JSON Lines) as history, without notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--town", help="the town's code (default: the only town)")
        parser.add_argument(
            "--by", help="the account the import is recorded by (default: the town's presidium)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if opts["town"]:
            town = Town.objects.filter(code=opts["town"]).first()
            if town is None:
                raise CommandError(f"--town: no town with code {opts['town']}")
        else:
            towns = list(Town.objects.all()[:2])
            if len(towns) != 1:
                raise CommandError("--town CODE is required when there is not exactly one town")
            town = towns[0]
        actor = None
        if opts["by"]:
            actor = User.objects.filter(username=opts["by"], town=town).first()
            if actor is None:
                raise CommandError(f"--by: no account {opts['by']} in {town}")
        actor = actor or importer.default_actor(town)
        try:
            rows = importer.read_rows(path.read_bytes(), importer.format_of(path.name))
        except importer.FileError as refused:
            raise CommandError(str(refused)) from refused
        report = importer.import_rows(town=town, rows=rows, actor=actor, dry_run=opts["dry_run"])
        for err in report.errors:
            self.stdout.write(f"row {err.row}: {err.heading or err.field}: {err.message}")
        verb = "would import" if opts["dry_run"] else "imported"
        self.stdout.write(
            f"{report.total} rows: {verb} {report.created}, {report.skipped} already there, "
            f"{report.failed} with errors"
        )
        if report.errors:
            raise SystemExit(1)
