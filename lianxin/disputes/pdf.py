"""The printable mediation agreement (人民调解协议书): HTML rendered by WeasyPrint with the Noto CJK fonts
(Debian ``fonts-noto-cjk``), so the Chinese text is embedded and can be searched and copied."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def agreement_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango only when a PDF is made

    with translation.override("zh-hans"):  # the document is the town's Chinese form, whoever prints it
        html = render_to_string("disputes/agreement_pdf.html", context)
    data: bytes = HTML(string=html).write_pdf()
    return data
