"""``lianxin upgrade``: the steps of taking a new release into service, in the one order that is safe.

1. check the new code against the settings (``manage check``: a key missing or a setting mistyped stops here,
   before anything is written);
2. back up (``lianxin backup``): the archive to go back to if the new release has to be undone;
3. migrate as the owner (``lianxin migrate``) while the old release still serves: the migration rule checked in CI
   (docs/operations.md, "Upgrades") keeps every migration of a release readable by the release before it;
4. collect the static files of the new release;
5. restart the units (web, worker, scheduler), so the processes run the new code.

Each step is the same command an operator would type, run as a child process of this one: each reads its own
settings (``lianxin migrate`` connects as the owner), and a step that fails stops the upgrade with its exit
status and what it printed, before the steps after it. Nothing here is specific to one deployment but the unit
names, which ``--units`` changes and ``--no-restart`` skips (a container or a hand-run server restarts itself).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    argv: list[str]


def lianxin(*args: str) -> list[str]:
    """The ``lianxin`` command of this interpreter (the release being installed), never one on the PATH."""
    return [sys.executable, "-m", "lianxin.cli", *args]


def plan(*, backup: bool, backup_dir: str | None, restart: bool, units: Sequence[str]) -> list[Step]:
    steps = [Step("check", lianxin("manage", "check"))]
    if backup:
        steps.append(Step("backup", lianxin("backup", *(["--out", backup_dir] if backup_dir else []))))
    steps.append(Step("migrate", lianxin("migrate")))
    steps.append(Step("static", lianxin("static")))
    if restart and units:
        steps.append(Step("restart", ["systemctl", "restart", *units]))
    return steps


def run(steps: Sequence[Step], *, say: Callable[[str], None] = print) -> int:
    """Run the steps in order; stop at the first that fails and return its exit status (0 when all passed)."""
    for number, step in enumerate(steps, 1):
        if step.argv[0] == "systemctl" and shutil.which("systemctl") is None:
            say(
                f"[{number}/{len(steps)}] {step.name}: no systemctl here; restart {' '.join(step.argv[2:])} yourself"
            )
            continue
        say(
            f"[{number}/{len(steps)}] {step.name}: {' '.join(step.argv[1:] if step.argv[0] == sys.executable else step.argv)}"
        )
        started = time.monotonic()
        done = subprocess.run(step.argv, check=False)  # noqa: S603 - our own commands, no shell
        took = time.monotonic() - started
        if done.returncode != 0:
            say(
                f"[{number}/{len(steps)}] {step.name} failed (exit {done.returncode}, {took:.1f} s): upgrade stopped"
            )
            return done.returncode or 1
        say(f"[{number}/{len(steps)}] {step.name} done ({took:.1f} s)")
    return 0
