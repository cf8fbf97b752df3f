"""What the accounts app tells whoever listens (the audit trail subscribes): it never calls its readers.

Sent synchronously where the change happens, so a receiver writes in the same transaction as the change.
"""

from __future__ import annotations

from django.dispatch import Signal

# An ``AccountChange`` row was written (a role, a town, a password...): ``row``.
account_changed = Signal()
# A second factor was enrolled (``request``, ``user``) or a code was refused (``request``, ``user``=None).
second_factor_enrolled = Signal()
second_factor_refused = Signal()
