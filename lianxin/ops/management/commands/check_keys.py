from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxin.ops import keys


class Command(BaseCommand):
    help = (
        "Prove that every encrypted column decrypts with the configured keys: per column, the values stored, "
        "decrypted and failed (no value is printed). Exit 1 if any value fails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        prints = keys.fingerprints()
        self.stdout.write(
            f"SECRET_KEY {prints['SECRET_KEY']}; field keys "
            + ", ".join(prints["FIELD_ENCRYPTION_KEYS"])
            + (" (derived from SECRET_KEY)" if prints["field_keys_derived_from_secret_key"] else "")
        )
        reports = keys.check()
        for r in reports:
            self.stdout.write(
                f"{r.table}.{r.column}: {r.rows} rows, {r.decrypted} decrypted, {r.failed} failed"
            )
        failed = sum(r.failed for r in reports)
        if failed:
            raise CommandError(f"{failed} values do not decrypt with the configured keys")
        self.stdout.write(f"{len(reports)} columns, {sum(r.rows for r in reports)} values: all decrypt")
