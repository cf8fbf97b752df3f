"""The printable mediation agreement (人民调解协议书), through the one PDF helper (``core/pdf.py``)."""

from __future__ import annotations

from typing import Any

from lianxin.core.pdf import render_pdf


def agreement_pdf(context: dict[str, Any]) -> bytes:
    # The document is the town's Chinese form, whoever prints it.
    return render_pdf("disputes/agreement_pdf.html", context, language="zh-hans")
