"""The proof's figures: each proof test adds what it measured; ``report`` prints the table and keeps it in
docs/reliability.md.

Each test writes its own JSON file (so parallel workers never share one), under ``PROOF_FIGURES_DIR``
(default ``var/proof/``); ``./dev proof`` empties the folder first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def folder() -> Path:
    path = Path(os.environ.get("PROOF_FIGURES_DIR") or ROOT / "var" / "proof")
    path.mkdir(parents=True, exist_ok=True)
    return path


def record(name: str, **values: Any) -> None:
    """Add ``values`` to the figures of ``name`` (numbers add up; anything else is replaced)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # one file per worker: no two writers share one
    path = folder() / f"{name}.{worker}.json"
    old: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    _merge(old, values)
    path.write_text(json.dumps(old, ensure_ascii=False, indent=1, sort_keys=True))


def _merge(into: dict[str, Any], values: dict[str, Any]) -> None:
    for k, v in values.items():
        number = (
            isinstance(v, int | float) and not isinstance(v, bool) and isinstance(into.get(k), int | float)
        )
        if number or (isinstance(v, list) and isinstance(into.get(k), list)):
            into[k] += v
        else:
            into[k] = v


def read_all() -> dict[str, dict[str, Any]]:
    """Every name's figures, the workers' files added up."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(folder().glob("*.json")):
        _merge(out.setdefault(p.name.split(".")[0], {}), json.loads(p.read_text()))
    return out
