from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxin.ops import migration_rule


class Command(BaseCommand):
    help = (
        "Check that the migrations added since the last release (lianxin/ops/released_migrations.txt) can run "
        "while that release still serves: no column or table dropped or renamed, no NOT NULL without a database "
        "default. Needs PostgreSQL (docs/operations.md, Upgrades)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            new, breaches = migration_rule.check(using=options["database"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{len(new)} migration(s) since the last release: {', '.join(new) or 'none'}")
        if breaches:
            lines = "\n".join(f"  {breach}" for breach in breaches)
            raise CommandError(
                "the old release would break while these run:\n"
                f"{lines}\nMake the change in two releases, or allow one with a reason in "
                f"{migration_rule.ALLOWED.name}."
            )
        self.stdout.write("the previous release survives these migrations")
