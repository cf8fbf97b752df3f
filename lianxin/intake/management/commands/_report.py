"""How the intake commands print a model's figures."""

from __future__ import annotations

from typing import Any

from lianxin.intake import classifier


def lines(metrics: dict[str, Any], *, confusion: bool = True) -> list[str]:
    out = [f"held-out examples: {metrics.get('held_out', 0)}"]
    for key in ("category", "department"):
        block = metrics.get(key)
        if not block:
            continue
        out.append(f"{key}: accuracy {block['accuracy']:.3f}  macro-F1 {block['macro_f1']:.3f}")
        if confusion:
            out.append(f"{key} confusion matrix (rows: truth, columns: guess)")
            out.append(classifier.confusion_text(block))
    return out
