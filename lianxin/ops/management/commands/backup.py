from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from lianxin.ops import backup


class Command(BaseCommand):
    help = (
        "Write one consistent archive of the database, the stored files and a manifest (counts per table, "
        "migrations, key fingerprints; never the keys) while the site serves. Connects as DATABASE_OWNER_URL "
        "when set."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", type=Path, help="directory for the archive (default: BACKUP_DIR)")

    def handle(self, *args: Any, out: Path | None = None, **options: Any) -> None:
        if backup.use_owner_connection():
            self.stdout.write("connecting as the owner (DATABASE_OWNER_URL)")
        made = backup.backup(out, say=self.stdout.write)
        m = made.manifest
        self.stdout.write(
            f"{made.path}\n  {m['vendor']}: {len(m['counts'])} tables, {sum(m['counts'].values())} rows; "
            f"{m['files']['count']} files; {made.path.stat().st_size} bytes; {m['seconds']:.1f} s"
        )
