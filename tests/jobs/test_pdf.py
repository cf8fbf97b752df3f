"""The one PDF helper fetches nothing from the web or the disk: only ``data:`` URLs are read."""

from __future__ import annotations

import base64
import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from lianxin.core.pdf import html_pdf
from tests.portal.fixtures import png_bytes


def images_in(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        count += len(page.images)
    return count


@pytest.fixture
def server():
    """A web server on this machine that counts the requests it gets and answers each with a PNG."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = png_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


def test_a_data_url_is_embedded():
    data = base64.b64encode(png_bytes()).decode()
    pdf = html_pdf(f'<p>协议书</p><img src="data:image/png;base64,{data}" width="40">')
    assert images_in(pdf) == 1


def test_an_external_url_and_a_file_url_are_not_fetched(server, tmp_path):
    base, hits = server
    on_disk = tmp_path / "secret.png"
    on_disk.write_bytes(png_bytes())
    html = (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<p>协议书</p><img src="{base}/photo.png" width="40">'
        f'<img src="file://{on_disk}" width="40">'
        f"<div style=\"background: url('{base}/bg.png')\">x</div>"
    )
    pdf = html_pdf(html)
    assert hits == []
    assert images_in(pdf) == 0
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # the page is still made, without them


def test_the_same_page_would_be_fetched_without_the_helper(server):
    """The control: WeasyPrint's own fetcher does reach the server, so the test above can fail."""
    from weasyprint import HTML

    base, hits = server
    pdf = HTML(string=f'<img src="{base}/photo.png" width="40">').write_pdf()
    assert hits == ["/photo.png"]
    assert images_in(pdf) == 1
