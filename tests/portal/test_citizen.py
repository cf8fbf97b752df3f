"""The town's mobile page: submission, bad input, photos, idempotency, rate limits, presets, QR codes."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lianxin.demands.models import Attachment, Demand

from .fixtures import jpeg_with_gps, png_bytes

pytestmark = pytest.mark.django_db


def form_data(pt, **kw):
    return {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def submit_url(pt, query=""):
    return reverse("portal:submit", args=[pt.town.code]) + query


def test_the_page_offers_the_towns_categories_and_cells(client, portal_town):
    r = client.get(submit_url(portal_town))
    assert r.status_code == 200
    html = r.content.decode()
    assert portal_town.loop.category.name in html
    assert portal_town.loop.cell.name in html
    assert 'name="intake_key"' in html


def test_only_town_redirects_from_m(client, portal_town):
    r = client.get("/m/")
    assert r.status_code == 302
    assert r.url == submit_url(portal_town)


def test_a_submission_records_a_mobile_demand_and_shows_the_tracking_code(client, portal_town):
    r = client.post(submit_url(portal_town), form_data(portal_town))
    demand = Demand.objects.get()
    assert r.status_code == 302
    assert r.url == reverse("portal:done", args=[portal_town.town.code, demand.code])
    assert demand.channel == "mobile"
    assert demand.cell == portal_town.loop.cell
    assert demand.requester_phone == "13912340001"
    assert demand.requester is None and demand.recorded_by is None
    assert demand.title.startswith("村口路灯坏了")
    page = client.get(r.url)
    assert demand.code in page.content.decode()
    assert demand.events.get().action == "record"


def test_the_done_page_is_not_for_strangers(client, portal_town):
    client.post(submit_url(portal_town), form_data(portal_town))
    demand = Demand.objects.get()
    client.cookies.clear()
    assert client.get(reverse("portal:done", args=[portal_town.town.code, demand.code])).status_code == 404


def test_a_failing_form_keeps_what_was_typed_and_says_in_chinese_what_to_fix(client, portal_town):
    data = form_data(portal_town, phone="12345", category="")
    r = client.post(submit_url(portal_town), data)
    html = r.content.decode()
    assert r.status_code == 400
    assert Demand.objects.count() == 0
    assert "请选择最符合的类别" in html
    assert "请填写 11 位手机号码" in html
    assert "村口路灯坏了一个月,晚上很黑" in html  # the text stays
    assert 'value="王秀英"' in html
    assert data["intake_key"] in html  # the same key: a corrected resend is still one demand


def test_no_place_at_all_is_refused_with_a_hint(client, portal_town):
    r = client.post(submit_url(portal_town), form_data(portal_town, cell=""))
    assert r.status_code == 400
    assert "使用我的位置" in r.content.decode()


def test_location_from_the_phone_finds_the_cell(client, portal_town):
    # the Loop's cell is the square 35.26..35.27 N, 113.66..113.67 E (WGS84)
    r = client.post(submit_url(portal_town), form_data(portal_town, cell="", lat="35.265", lng="113.665"))
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert demand.cell == portal_town.loop.cell
    assert (demand.lat, demand.lng) == (35.265, 113.665)


def test_a_double_tap_makes_one_demand(client, portal_town):
    data = form_data(portal_town)
    first = client.post(submit_url(portal_town), data)
    second = client.post(submit_url(portal_town), data)
    assert Demand.objects.count() == 1
    assert first.url == second.url


def test_a_replayed_key_with_another_phone_does_not_open_the_demand(client, portal_town):
    data = form_data(portal_town)
    client.post(submit_url(portal_town), data)
    demand = Demand.objects.get()
    client.cookies.clear()
    r = client.post(submit_url(portal_town), {**data, "phone": "13800009999"})
    assert Demand.objects.count() == 1
    assert client.get(r.url).status_code == 404
    assert demand.code  # still there, unseen


def test_submissions_are_limited_per_phone(client, portal_town, settings):
    settings.PORTAL_SUBMIT_RATE_PHONE = "2/h"
    for _ in range(2):
        assert client.post(submit_url(portal_town), form_data(portal_town)).status_code == 302
    r = client.post(submit_url(portal_town), form_data(portal_town))
    assert r.status_code == 429
    assert "提交次数过多" in r.content.decode()
    assert Demand.objects.count() == 2


def test_submissions_are_limited_per_address(client, portal_town, settings):
    settings.PORTAL_SUBMIT_RATE_IP = "2/h"
    for i in range(2):
        client.post(submit_url(portal_town), form_data(portal_town, phone=f"1391234000{i}"))
    r = client.post(submit_url(portal_town), form_data(portal_town, phone="13912340009"))
    assert r.status_code == 429
    assert Demand.objects.count() == 2


def test_photos_are_stored_without_exif_or_gps(client, portal_town, media):
    photo = SimpleUploadedFile("IMG_2024_王秀英.jpg", jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(submit_url(portal_town), form_data(portal_town, photos=[photo]))
    assert r.status_code == 302
    att = Attachment.objects.get()
    assert att.name == "photo-1.jpg"  # the original name (which may carry a name) is not kept
    with Image.open(att.file.path) as img:
        assert img.format == "JPEG"
        assert not img.getexif()
        assert "exif" not in img.info
        assert img.size == (48, 64)  # turned upright by the orientation tag before it was dropped


def test_the_sample_photo_really_carries_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as img:
        assert img.getexif().get_ifd(0x8825)


def test_a_file_that_is_not_an_image_is_refused(client, portal_town):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    r = client.post(submit_url(portal_town), form_data(portal_town, photos=[fake]))
    assert r.status_code == 400
    assert "JPEG" in r.content.decode()
    assert Demand.objects.count() == 0


def test_a_gif_is_refused(client, portal_town):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    gif = SimpleUploadedFile("a.gif", out.getvalue(), content_type="image/gif")
    r = client.post(submit_url(portal_town), form_data(portal_town, photos=[gif]))
    assert r.status_code == 400


def test_a_photo_too_large_is_refused(client, portal_town, settings):
    settings.PORTAL_PHOTO_MAX_BYTES = 10
    png = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    r = client.post(submit_url(portal_town), form_data(portal_town, photos=[png]))
    assert r.status_code == 400
    assert "MB" in r.content.decode()


def test_too_many_photos_are_refused(client, portal_town, settings):
    settings.PORTAL_PHOTO_MAX_COUNT = 1
    photos = [SimpleUploadedFile(f"p{i}.png", png_bytes(), content_type="image/png") for i in range(2)]
    r = client.post(submit_url(portal_town), form_data(portal_town, photos=photos))
    assert r.status_code == 400


def test_a_station_qr_code_presets_the_station_and_its_cell(client, portal_town):
    st = portal_town.station
    page = client.get(submit_url(portal_town, f"?station={st.pk}"))
    assert st.name in page.content.decode()
    data = form_data(portal_town, station=st.pk, cell=st.cell_id)
    client.post(submit_url(portal_town, f"?station={st.pk}"), data)
    assert Demand.objects.get().station == st


def test_a_deputy_qr_code_presets_the_deputy(client, portal_town):
    deputy = portal_town.loop.deputy.deputy
    page = client.get(submit_url(portal_town, f"?deputy={deputy.pk}"))
    assert deputy.name in page.content.decode()
    client.post(submit_url(portal_town), form_data(portal_town, deputy=deputy.pk))
    assert Demand.objects.get().addressed_to == deputy


def test_a_station_of_another_town_is_ignored(client, portal_town):
    from tests.factories import StationFactory

    foreign = StationFactory()
    client.post(submit_url(portal_town), form_data(portal_town, station=foreign.pk))
    assert Demand.objects.get().station is None


@pytest.mark.parametrize(
    ("fmt", "ctype", "magic"), [("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG")]
)
def test_qr_codes_for_stations_and_deputies(client, portal_town, fmt, ctype, magic):
    for kind, pk in (("station", portal_town.station.pk), ("deputy", portal_town.loop.deputy.deputy.pk)):
        r = client.get(reverse("portal:qr", args=[portal_town.town.code, kind, pk, fmt]))
        assert r.status_code == 200
        assert r["Content-Type"] == ctype
        assert r.content.startswith(magic)


def test_the_qr_code_encodes_the_preset_page(client, portal_town, settings):
    from lianxin.portal.qr import entry_url

    settings.PORTAL_PUBLIC_BASE_URL = "https://lianxin.example.cn"
    url = entry_url(None, town_code=portal_town.town.code, station=portal_town.station.pk)  # type: ignore[arg-type]
    assert url == f"https://lianxin.example.cn/m/{portal_town.town.code}/?station={portal_town.station.pk}"


def test_qr_of_another_towns_deputy_is_404(client, portal_town):
    from tests.factories import DeputyFactory

    foreign = DeputyFactory()
    r = client.get(reverse("portal:qr", args=[portal_town.town.code, "deputy", foreign.pk, "svg"]))
    assert r.status_code == 404


def test_a_signed_in_citizen_raises_as_themself(client, portal_town):
    citizen = portal_town.loop.citizen  # phone 13900001234
    client.force_login(citizen)
    page = client.get(submit_url(portal_town))
    assert 'value="13900001234"' in page.content.decode()
    client.post(submit_url(portal_town), form_data(portal_town, phone="13900001234"))
    demand = Demand.objects.get()
    assert demand.requester == citizen
