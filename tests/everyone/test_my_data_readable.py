"""A citizen's own data, readable (issue 26, point 20): the page and a PDF beside the JSON, in Chinese with
the town's local times and statuses in words; the JSON stays as it was (English keys, UTC)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lianxin.core import clock

pytestmark = pytest.mark.django_db

# 17:30 UTC on 1 March is 01:30 on 2 March in the town (Asia/Shanghai): a UTC date would be a day early.
LATE = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)


def test_the_page_and_the_pdf_show_local_times_and_words(client, loop):
    with clock.at(LATE):
        demand = loop.recorded(title="小区门口积水")
    client.force_login(loop.citizen)
    url = reverse("privacy:my_data", args=[loop.town.code])
    client.cookies["django_language"] = "en"  # whoever asks, the PDF is the town's Chinese form
    html = client.get(url).content.decode()
    assert "2026-03-02 01:30" in html and "2026-03-01" not in html
    assert "?format=pdf" in html
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"] and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    compact = "".join(text.split())
    assert demand.code in compact and "2026-03-0201:30" in compact, text
    assert "我的诉求" in compact and "已登记" in compact, text  # Chinese words, not "recorded"
    assert "recorded_at" not in compact and "T17:30" not in compact
    raw = json.loads(client.get(url, {"format": "json"}).content)  # the JSON: English keys, UTC times
    assert raw["demands"][0]["recorded_at"].startswith("2026-03-01T17:30")
