import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxin.ops import backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `lianxin backup` into an empty database and an empty file store: checks the keys "
        "first (writes nothing if one is missing), then the database, the files, the triggers and counters, "
        "and compares every table's rows with the manifest (exit 1 on a difference)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that is not empty, and write the files over a store that is not empty",
        )

    def handle(self, *args: Any, archive: Path, force: bool = False, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"no archive at {archive}")
        if backup.use_owner_connection():
            self.stdout.write("connecting as the owner (DATABASE_OWNER_URL)")
        started = time.monotonic()
        try:
            done = backup.restore(archive, force=force, say=self.stdout.write)
        except backup.Refused as refused:
            raise CommandError(f"restore refused, nothing written: {refused}") from refused
        for table, (expected, found) in done.differences.items():
            self.stderr.write(f"{table}: {expected} rows in the manifest, {found} restored")
        if done.differences:
            raise CommandError(f"{len(done.differences)} tables differ from the manifest")
        self.stdout.write(
            f"restored in {time.monotonic() - started:.1f} s: every table's count equals the manifest's"
        )
