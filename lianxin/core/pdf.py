"""Every PDF the platform prints: HTML rendered by WeasyPrint with the Noto CJK fonts (Debian
``fonts-noto-cjk``, found by fontconfig), so the Chinese text is embedded and can be searched and copied.

The templates are ours, but what they show is not (a citizen's words, a department's name), so the renderer
fetches nothing: no web address (the worker would call out on a stranger's behalf), no ``file:`` (it would read
the server's disk into the document). Only ``data:`` URLs, which carry their bytes in the HTML, are read.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

ALLOWED_SCHEMES = ("data",)


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch; WeasyPrint leaves the image or stylesheet out and goes on."""


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher  # imported here: it loads Pango only when a PDF is made

    class DataOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme not in ALLOWED_SCHEMES:
                raise RefusedURL(f"not fetched: {url[:80]}")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False)


def html_pdf(html: str) -> bytes:
    """The PDF of an HTML string, fetching nothing but ``data:`` URLs."""
    from weasyprint import HTML

    data: bytes = HTML(string=html, url_fetcher=_fetcher()).write_pdf()
    return data


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render ``template`` with ``context`` (in ``language`` when given: a town's form is Chinese whoever
    prints it) and make the PDF of it."""
    if language:
        with translation.override(language):
            html = render_to_string(template, context)
    else:
        html = render_to_string(template, context)
    return html_pdf(html)
