from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxin.ops import pitr

DATA = "/var/lib/postgresql/15/main"


class Command(BaseCommand):
    help = (
        "Print what point-in-time recovery on PostgreSQL needs: the primary's postgresql.conf lines (WAL "
        "archiving), the base backup command, and the steps of a recovery to a chosen time."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--archive-dir", default="/var/backups/lianxin/wal", help="where WAL segments go")
        parser.add_argument("--base-dir", default="/var/backups/lianxin/base", help="where base backups go")
        parser.add_argument(
            "--target-time", default="2026-12-07 09:30:00+08", help="the moment to recover to"
        )

    def handle(self, *args: Any, archive_dir: str, base_dir: str, target_time: str, **options: Any) -> None:
        try:
            archive = pitr.archive_settings(archive_dir)
            recovery = pitr.recovery_settings(archive_dir, target_time)
        except ValueError as wrong:
            raise CommandError(str(wrong)) from wrong
        w = self.stdout.write
        w(
            "# 1. On the primary, as root: a directory for the WAL archive, owned by postgres (another disk or a"
        )
        w("#    mount of another machine), then these lines in postgresql.conf and a restart of PostgreSQL:")
        w(f"install -d -o postgres -g postgres -m 0700 {archive_dir} {base_dir}")
        for line in archive:
            w(line)
        w("\n# 2. A base backup (nightly, from the timer beside `lianxin backup`); keep two, and every WAL")
        w("#    segment newer than the older one:")
        w(
            f"runuser -u postgres -- pg_basebackup -D {base_dir}/$(date -u +%Y%m%dT%H%MZ) -Ft -z -X stream --checkpoint=fast"
        )
        w(
            "\n# 3. To recover to a moment (the time of the mistake, just before it): stop Lianxin and PostgreSQL,"
        )
        w(
            "#    move the old data directory aside, unpack the newest base backup older than that moment into it:"
        )
        w("systemctl stop lianxin-web lianxin-worker postgresql")
        w(f"mv {DATA} {DATA}.before-recovery")
        w(f"install -d -o postgres -g postgres -m 0700 {DATA}")
        w(f"runuser -u postgres -- tar -xzf {base_dir}/<BASE>/base.tar.gz -C {DATA}")
        w(f"runuser -u postgres -- tar -xzf {base_dir}/<BASE>/pg_wal.tar.gz -C {DATA}/pg_wal")
        w(f"runuser -u postgres -- touch {DATA}/recovery.signal")
        w(f"cat >> {DATA}/postgresql.auto.conf <<'EOF'")
        for line in recovery:
            w(line)
        w("EOF")
        w("systemctl start postgresql   # replays up to the target, then opens for writes (see its log)")
        w(
            "#    check the data, then remove archive_mode = off from postgresql.auto.conf, restart PostgreSQL,"
        )
        w("#    take a new base backup (a new timeline begins) and start Lianxin again.")
