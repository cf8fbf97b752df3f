from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lianxin.ops.keys import field_keys_in_force

WARNING = """\
WARNING: these are the keys this town runs on today, printed in clear. Put them in the service's environment
file (chmod 600, owned by the service), keep a copy off this machine, and do not leave them in a terminal log.
Set exactly these values: another SECRET_KEY breaks phone lookups, another field key loses the personal data.
To move to a fresh field key afterwards: FIELD_ENCRYPTION_KEYS=<new key>,<this key>, then
`lianxin manage rotate_field_keys`, then drop this key from the list."""


class Command(BaseCommand):
    help = (
        "For a town that ran without explicit keys: print the SECRET_KEY in use and the field key derived from "
        "it, as environment-file lines, so that they can be set explicitly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write(WARNING)
        field_keys = ",".join(field_keys_in_force())
        self.stdout.write(f"SECRET_KEY={settings.SECRET_KEY}\nFIELD_ENCRYPTION_KEYS={field_keys}\n")
