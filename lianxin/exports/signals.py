"""What the exports app tells whoever listens (the audit trail subscribes), so it never imports its readers."""

from __future__ import annotations

from django.dispatch import Signal

# A list was exported, at once or as a job: ``request``, ``object_type``, ``action``, ``details``.
exported = Signal()
