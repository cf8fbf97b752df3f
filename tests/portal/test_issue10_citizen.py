"""The citizen's side of the field trial (issue 10): receipts and codes, the slip for people without a
phone, the place, evaluation, photos, words on the timeline, reference data in English."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from lianxin.core.uploads import clean_photo
from lianxin.demands import codes
from lianxin.demands.events import Event
from lianxin.demands.models import Attachment, Demand
from lianxin.demands.workflow import WORKFLOW
from lianxin.notify.models import OutboxMessage
from lianxin.portal import selectors
from lianxin.territory.models import GridCell

from .sms import last_code

pytestmark = pytest.mark.django_db
PHONE = "13912340001"


def form_data(pt, **kw):
    return {
        "category": pt.loop.category.pk,
        "description": "村口路灯坏了一个月,晚上很黑",
        "cell": pt.loop.cell.pk,
        "name": "王秀英",
        "phone": PHONE,
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def submit(client, pt, **kw):
    return client.post(reverse("portal:submit", args=[pt.town.code]), form_data(pt, **kw))


def track(client, pt, code, last4):
    return client.post(reverse("portal:track", args=[pt.town.code]), {"code": code, "last4": last4})


def jpeg(size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("IMG_1.jpg", out.getvalue(), content_type="image/jpeg")


# --- 1. codes and the receipt ---------------------------------------------------------------------------
def test_a_new_code_has_the_town_letters_a_check_character_and_is_not_a_phone_number(portal_town):
    portal_town.town.tracking_prefix = "CG"
    portal_town.town.save()
    demand = portal_town.loop.recorded()
    assert re.fullmatch(r"CG-[2-9A-Z]{4}-[2-9A-Z]{2}", demand.code)
    assert not re.search(r"1[3-9]\d{9}", demand.code.replace("-", ""))
    body = demand.code.replace("-", "")[2:]
    assert codes.is_valid_body(body)
    assert not set(body) & set("01ILOU")


def test_the_check_character_catches_one_wrong_character_and_swapped_neighbours():
    body = "7K3MR"
    full = body + codes.check_char(body)
    for i in range(len(full)):
        for ch in codes.ALPHABET:
            if ch != full[i]:
                assert not codes.is_valid_body(full[:i] + ch + full[i + 1 :])
    for i in range(len(full) - 1):
        if full[i] != full[i + 1]:
            swapped = full[:i] + full[i + 1] + full[i] + full[i + 2 :]
            assert not codes.is_valid_body(swapped)


def test_a_code_typed_loosely_is_found_and_a_typo_costs_no_try(client, portal_town):
    demand = portal_town.loop.completed(recorded_by=None, requester=None, requester_phone=PHONE)
    loose = demand.code.lower().replace("-", " ")
    r = track(client, portal_town, f"  {loose} ", "0001")
    assert r.status_code == 302
    # one character wrong: said at once, in Chinese
    body = demand.code.replace("-", "")[2:]
    wrong = body[0] + next(c for c in codes.ALPHABET if c != body[1]) + body[2:]
    r = track(client, portal_town, codes.render(demand.code[:2], wrong), "0001")
    assert r.status_code == 400 and "编号有误" in r.content.decode()


def test_old_all_digit_codes_keep_working(client, portal_town):
    demand = portal_town.loop.completed(
        recorded_by=None, requester=None, requester_phone=PHONE, code="90026000123"
    )
    r = track(client, portal_town, "90026000123", "0001")
    assert r.status_code == 302 and demand.code in r.url


def sms_to(phone):
    """The texts queued for a phone (delivered by the worker once the change commits)."""
    rows = OutboxMessage.objects.filter(channel="sms").order_by("pk")
    return [m for m in rows if m.address == phone]  # the address is encrypted: compared in Python


def test_filing_sends_an_sms_receipt_with_the_code_and_a_link(client, portal_town, sms, settings):
    settings.PORTAL_PUBLIC_BASE_URL = "https://lx.example.cn"
    r = submit(client, portal_town)
    demand = Demand.objects.get()
    texts = sms_to(PHONE)
    assert len(texts) == 1
    link = f"https://lx.example.cn/m/{portal_town.town.code}/track/{demand.code}/"
    assert demand.code in texts[0].subject and link in texts[0].body
    page = client.get(r.url).content.decode()
    assert "data-copy" in page and "复制编号" in page and "139****0001" in page


def test_the_completed_sms_carries_the_citizens_link_not_the_staff_page(portal_town, sms):
    demand = portal_town.loop.completed(recorded_by=None, requester=None, requester_phone=PHONE)
    done = sms_to(PHONE)[-1]
    assert (
        demand.code in done.subject and "please evaluate" in done.subject.lower()
    ) or "请评价" in done.subject
    assert f"/m/{portal_town.town.code}/track/{demand.code}/" in done.body and "/demands/" not in done.body
    assert done.url.endswith(f"/track/{demand.code}/")


# --- 2. no phone: a slip with a PIN ------------------------------------------------------------------------
def agent_data(pt, **kw):
    return {
        "name": "刘奶奶",
        "phone": "",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def test_without_a_phone_the_slip_has_a_pin_that_tracks_the_demand(client, portal_town):
    client.force_login(portal_town.agent)
    r = client.post(reverse("portal:agent"), agent_data(portal_town))
    slip = client.get(r.url).content.decode()
    pin = re.search(r"data-pin>(\d{4})<", slip).group(1)
    assert "打印凭条" in slip
    demand = Demand.objects.get()
    assert demand.tracking_pin_hash and pin not in demand.tracking_pin_hash
    # at the collection point or anywhere: code + PIN
    from django.test import Client

    stranger = Client()
    wrong = f"{(int(pin) + 1) % 10000:04d}"
    assert track(stranger, portal_town, demand.code, wrong).status_code == 400
    r = track(stranger, portal_town, demand.code, pin)
    assert r.status_code == 302 and demand.code in r.url
    # the PIN is shown once, to who recorded it: not on the receipt in another session
    receipt = stranger.get(reverse("portal:done", args=[portal_town.town.code, demand.code])).content.decode()
    assert "data-pin" not in receipt


def test_a_demand_with_a_phone_has_no_pin(portal_town):
    assert portal_town.loop.recorded(recorded_by=None, requester=None).tracking_pin_hash == ""


# --- 3. the place ------------------------------------------------------------------------------------------
def test_the_place_endpoint_names_the_village_of_a_point(client, portal_town):
    cell = portal_town.loop.cell
    url = reverse("portal:place", args=[portal_town.town.code])
    r = client.get(url, {"lat": cell.centroid_lat, "lng": cell.centroid_lng})
    assert r.status_code == 200 and r.json() == {"cell": cell.pk, "name": cell.name}
    assert client.get(url, {"lat": "north", "lng": "1"}).status_code == 400
    assert client.get(url, {"lat": 0, "lng": 0}).json() == {"cell": None, "name": ""}


def test_the_form_offers_to_show_the_place_and_the_receipt_shows_it(client, portal_town):
    page = client.get(reverse("portal:submit", args=[portal_town.town.code])).content.decode()
    assert "data-place-url" in page and "data-msg-place" in page
    r = submit(client, portal_town)
    receipt = client.get(r.url).content.decode()
    assert re.search(rf"data-place>{re.escape(portal_town.loop.cell.name)}<", receipt)


def test_a_place_the_citizen_chose_wins_over_the_location(client, portal_town):
    other = portal_town.loop  # the Loop's second cell is far away
    far = GridCell.objects.filter(town=other.town).exclude(pk=other.cell.pk).first()
    submit(client, portal_town, cell=far.pk, lat=other.cell.centroid_lat, lng=other.cell.centroid_lng)
    assert Demand.objects.get().cell == far


# --- 4. evaluation -----------------------------------------------------------------------------------------
def signed_in_requester(client, pt, sms):
    """The citizen who raised a completed demand, signed in by SMS on the tracking page."""
    demand = pt.loop.completed(recorded_by=None, requester=None, requester_phone=PHONE)
    track(client, pt, demand.code, "0001")
    client.post(reverse("portal:confirm_phone", args=[pt.town.code, demand.code]))
    client.post(reverse("portal:verify", args=[pt.town.code]), {"code": last_code(PHONE)})
    return Demand.objects.get(pk=demand.pk)


def test_my_demands_marks_those_waiting_for_evaluation(client, portal_town, sms):
    signed_in_requester(client, portal_town, sms)
    page = client.get(reverse("portal:mine", args=[portal_town.town.code])).content.decode()
    assert page.count("data-awaiting>") == 1 and "待您评价" in page and "data-awaiting-count" in page


def test_unsatisfied_without_a_comment_keeps_the_choice_and_focuses_the_error(client, portal_town, sms):
    demand = signed_in_requester(client, portal_town, sms)
    url = reverse("portal:evaluate", args=[portal_town.town.code, demand.code])
    r = client.post(url, {"verdict": "unsatisfied", "comment": ""})
    assert r.status_code == 400
    html = r.content.decode()
    textarea = re.search(r'<textarea[^>]*name="comment"[^>]*>', html).group(0)
    assert "autofocus" in textarea
    assert re.search(r'value="unsatisfied"[^>]*checked|checked[^>]*value="unsatisfied"', html)
    assert 'data-error-for="comment"' in html


def test_after_rejecting_a_confirmation_the_result_and_a_clear_verdict_stay(client, portal_town, sms):
    demand = signed_in_requester(client, portal_town, sms)
    evidence = clean_photo(jpeg())
    Attachment.objects.create(
        town=demand.town, demand=demand, kind=Attachment.Kind.EVIDENCE, file=evidence, name="灯.jpg"
    )
    url = reverse("portal:evaluate", args=[portal_town.town.code, demand.code])
    r = client.post(url, {"verdict": "unsatisfied", "comment": "另一盏还不亮"}, follow=True)
    html = r.content.decode()
    assert Demand.objects.get(pk=demand.pk).status == "returned"
    assert "退回承办部门督办重办" in html  # the confirmation
    assert "已疏通" in html  # the department's result, though the assignment's was cleared for rework
    assert "data-evidence" in html and "办结照片 1" in html
    assert 'data-verdict="unsatisfied"' in html and "另一盏还不亮" in html
    assert "您的评价：不满意，已退回承办部门重新办理。" in html


# --- 5. thumbnails through the checked path ----------------------------------------------------------------
def test_photos_are_thumbnails_served_only_to_who_follows_the_demand(client, portal_town):
    demand = portal_town.loop.completed(
        recorded_by=None, requester=None, requester_phone=PHONE, attachments=[clean_photo(jpeg((800, 600)))]
    )
    photo = demand.attachments.get()
    url = reverse("portal:photo", args=[portal_town.town.code, demand.code, photo.pk])
    assert client.get(url).status_code == 404  # not proved yet
    track(client, portal_town, demand.code, "0001")
    page = client.get(reverse("portal:tracked", args=[portal_town.town.code, demand.code])).content.decode()
    assert f'<img src="{url}?size=thumb"' in page
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]
    thumb = client.get(url, {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 192
    assert "sandbox" in thumb["Content-Security-Policy"]
    other = portal_town.loop.completed(recorded_by=None, requester=None, requester_phone="13800000000")
    wrong = reverse("portal:photo", args=[portal_town.town.code, other.code, photo.pk])
    assert client.get(wrong).status_code == 404  # a photo of another demand under a code one may see


def test_staff_see_photo_thumbnails_on_the_demand_page(client, portal_town):
    demand = portal_town.loop.recorded(attachments=[clean_photo(jpeg())])
    photo = demand.attachments.get()
    client.force_login(portal_town.loop.presidium)
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    url = reverse("demands:attachment", args=[photo.pk])
    assert f'<img src="{url}?size=thumb"' in html
    thumb = client.get(url, {"size": "thumb"})
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.content)).size) <= 192
    client.force_login(portal_town.loop.other_staff)  # outside the demand's scope: no thumbnail either
    assert client.get(url, {"size": "thumb"}).status_code == 404


# --- 13. words, not keys; English names --------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_event_kind_has_words_for_staff_and_citizens_in_both_languages(lang):
    with translation.override(lang):
        for kind in Event:
            for label in (str(WORKFLOW.staff_label(kind.value)), str(WORKFLOW.citizen_label(kind.value))):
                assert label and "_" not in label
                if lang != "en":
                    assert label != kind.value


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_linked_requester_reads_as_words_on_both_timelines(client, portal_town, sms, lang):
    demand = signed_in_requester(client, portal_town, sms)
    assert demand.events.filter(action=Event.LINK_REQUESTER).exists()
    client.cookies["django_language"] = lang
    html = client.get(reverse("portal:tracked", args=[portal_town.town.code, demand.code])).content.decode()
    assert "link_requester" not in html
    client.force_login(portal_town.loop.presidium)
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert "link_requester" not in re.sub(r"<[^>]*>", " ", html)  # what a person reads (data-kind is markup)


def test_status_and_light_are_separate_labelled_items_in_english(client, portal_town):
    demand = portal_town.loop.assigned()
    client.force_login(portal_town.loop.presidium)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert re.search(r'Status:</span>\s*<span class="badge[^"]*" data-status="assigned">', html)
    assert re.search(
        r'Time limit:</span>\s*<span class="light light-green" data-light="green">on time<', html
    )


def test_reference_data_shows_its_english_name_when_the_page_is_in_english(client, portal_town):
    loop = portal_town.loop
    loop.category.name_en = "Street lights"
    loop.category.save()
    loop.cell.name_en = "Dongguan Village"
    loop.cell.save()
    loop.department.name_en = "Urban management"
    loop.department.save()
    demand = loop.assigned()
    client.force_login(loop.presidium)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert "Street lights" in html and "Dongguan Village" in html and "Urban management" in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("demands:detail", args=[demand.code])).content.decode()
    assert "Street lights" not in html and loop.category.name in html


def test_the_demo_gives_english_names_to_its_reference_data():
    from lianxin.demo import data
    from lianxin.demo.demand_texts import CATEGORIES

    assert {c.name for c in CATEGORIES} <= set(data.CATEGORY_NAMES_EN)
    assert {short for _n, short, _k, _d in data.DEPARTMENTS} <= set(data.DEPARTMENT_NAMES_EN)
    assert set(data.VILLAGES + data.COMMUNITIES) <= set(data.CELL_NAMES_EN)


def test_the_citizens_timeline_selector_words_the_verdict(portal_town):
    demand = portal_town.loop.returned()
    with translation.override("en"):
        steps = [s for _at, s in selectors.demand_timeline(demand=demand)]
    assert "You evaluated: unsatisfied. Returned to the department for rework." in steps


def test_a_deputy_recording_for_someone_without_a_phone_is_given_the_pin(client, portal_town):
    from tests.demands.test_views import record_data

    loop = portal_town.loop
    client.force_login(loop.deputy)
    r = client.post(reverse("demands:record"), record_data(loop, requester_phone=""), follow=True)
    html = r.content.decode()
    demand = Demand.objects.get(title="桥头护栏松动")
    pin = re.search(rf"{re.escape(demand.code)} 和查询密码 (\d{{4}})", html).group(1)
    from django.test import Client

    assert track(Client(), portal_town, demand.code, pin).status_code == 302
