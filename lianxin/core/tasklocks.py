"""One run at a time for a background job, without the noise.

huey's ``lock_task`` logs "Task … not run, unable to acquire lock …" whenever a run finds another in hand, which
is routine for the jobs that are both woken on commit and run every minute (the demo printed a screenful at
start). ``alone(name)`` steps aside quietly instead: the run in hand, or the next minute's, does the work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

R = TypeVar("R")


def alone(name: str, *, otherwise: Any = 0) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Run the function only if no other run holds the lock ``name``; else return ``otherwise``."""

    def wrap(fn: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> R:
            lock = HUEY.lock_task(name)
            try:
                lock.acquire()
            except TaskLockedException:
                return otherwise  # type: ignore[no-any-return,unused-ignore]
            try:
                return fn(*args, **kwargs)
            finally:
                lock.release()

        return run

    return wrap
