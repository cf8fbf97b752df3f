"""Transaction helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction


def on_commit_once(func: Callable[[], Any]) -> None:
    """Run ``func`` after the current transaction commits, once however often it is asked for.

    A year's replay or a bulk import queues hundreds of messages in one transaction; one wake-up of the
    worker is enough. Django keeps pending callbacks as (savepoints, callable, robust) on the connection.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is func for entry in connection.run_on_commit):
        return
    transaction.on_commit(func)
