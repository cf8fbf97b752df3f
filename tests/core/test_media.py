"""Attachments are read only through a view that checks the demand's scope, never as public /media/ files."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from django_sendfile.utils import _get_sendfile

from lianxin.board.models import Publication
from lianxin.core.uploads import clean_attachment
from lianxin.demands.models import Attachment
from tests.factories import UserFactory
from tests.portal.fixtures import png_bytes

from .test_uploads import pdf_bytes

pytestmark = pytest.mark.django_db


def photo(name: str = "photo-1") -> SimpleUploadedFile:
    return clean_attachment(SimpleUploadedFile(f"{name}.png", png_bytes(), content_type="image/png"))


@pytest.fixture
def filed(portal_town, media):
    """A demand raised by the loop's citizen with one photo, assigned to the loop's department."""
    loop = portal_town.loop
    demand = loop.recorded(attachments=[photo()])
    return demand, demand.attachments.get()


def url(att: Attachment) -> str:
    return reverse("demands:attachment", args=[att.pk])


def test_media_files_are_not_served_from_their_path(client, filed, settings):
    _demand, att = filed
    assert client.get(settings.MEDIA_URL + att.file.name).status_code == 404
    assert client.get("/" + settings.MEDIA_URL + att.file.name).status_code == 404


def test_the_demo_does_not_serve_media_statically_either(settings):
    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        patterns = [str(p.pattern) for p in config.urls.urlpatterns]
        assert not [p for p in patterns if p.lstrip("^/").startswith(settings.MEDIA_URL.strip("/"))]
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_the_requester_and_the_towns_staff_open_it(client, filed, portal_town):
    _demand, att = filed
    loop = portal_town.loop
    for user in (loop.citizen, loop.presidium, loop.deputy):
        client.force_login(user)
        r = client.get(url(att))
        assert r.status_code == 200, user.role
        assert (
            b"".join(r.streaming_content if r.streaming else [r.content]) == Path(att.file.path).read_bytes()
        )


def test_anyone_outside_the_demands_scope_gets_404(client, filed, portal_town, outsider):
    demand, att = filed
    loop = portal_town.loop
    assert client.get(url(att)).status_code == 404, "anonymous: the public board publishes no files"
    Publication.objects.create(town=demand.town, demand=demand, title="路灯", text="路灯", published=True)
    assert client.get(url(att)).status_code == 404, "not even once the demand is on the board"
    stranger = UserFactory(role="citizen", town=loop.town, phone="13900005555")
    for user in (stranger, loop.staff, loop.other_deputy, outsider):
        client.force_login(user)
        assert client.get(url(att)).status_code == 404, user.role


def test_the_response_cannot_run_in_the_sites_origin(client, filed, portal_town):
    _demand, att = filed
    client.force_login(portal_town.loop.presidium)
    r = client.get(url(att))
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("inline") and "photo-1.png" in r["Content-Disposition"]
    csp = r["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert "private" in r["Cache-Control"]


def test_a_document_is_a_download(client, portal_town, media):
    pdf = clean_attachment(SimpleUploadedFile("整改报告.pdf", pdf_bytes(), content_type="application/pdf"))
    demand = portal_town.loop.recorded(attachments=[pdf])
    client.force_login(portal_town.loop.presidium)
    r = client.get(url(demand.attachments.get()))
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf" in r["Content-Disposition"]


def test_a_file_stored_before_the_checks_is_only_ever_a_download(client, portal_town, media):
    """Files uploaded before the fix may be HTML; they keep their rows but never render."""
    demand = portal_town.loop.recorded()
    (Path(media) / "demands").mkdir(parents=True)
    (Path(media) / "demands" / "report.html").write_bytes(b"<script>alert(1)</script>")
    att = Attachment.objects.create(
        town=demand.town, demand=demand, kind="submitted", file="demands/report.html", name="report.html"
    )
    client.force_login(portal_town.loop.presidium)
    r = client.get(url(att))
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"


def test_a_front_server_sends_the_bytes_when_configured(client, filed, portal_town, settings):
    _demand, att = filed
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.cache_clear()
    try:
        client.force_login(portal_town.loop.presidium)
        r = client.get(url(att))
        assert r["X-Accel-Redirect"] == "/protected-media/" + att.file.name
        assert r.content == b""
        assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]
    finally:
        _get_sendfile.cache_clear()


def test_the_demand_page_links_to_the_view_not_to_media(client, filed, portal_town):
    demand, att = filed
    client.force_login(portal_town.loop.presidium)
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert f'href="{url(att)}"' in html
    assert "/media/" not in html
