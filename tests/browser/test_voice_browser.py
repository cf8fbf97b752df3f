"""A voice note recorded on a phone (360 px) in Debian's Chromium with a fake microphone fed by a tone that
ffmpeg made: record, listen, record again, send as an agent with the person's consent; the staff page plays it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from playwright.sync_api import Page, expect

from lianxin.core import audio
from lianxin.demands.models import Attachment, Demand
from tests.audio import make
from tests.browser.axe import axe_clean
from tests.conftest import CHROMIUM
from tests.portal.fixtures import media, portal_town, sms

FIXTURES = (media, portal_town, sms)  # pytest finds these fixtures by their names in this module

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not audio.available(), reason="Debian's ffmpeg is not installed"),
]
PHONE = {"width": 360, "height": 780}


@pytest.fixture
def microphone(tmp_path):
    """Chromium's fake microphone, playing a 440 Hz tone (a WAV file made by ffmpeg) in a loop."""
    path = tmp_path / "voice.wav"
    path.write_bytes(make(["-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-ac", "1"], ".wav"))
    return str(path)


@pytest.fixture
def phone_browser(playwright, microphone):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-12345!")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def record(page: Page, seconds: float) -> None:
    page.get_by_role("button", name="录一段语音").click()
    expect(page.locator("[data-recorder]")).to_have_attribute("data-state", "recording")
    expect(page.locator("[data-rec-time]")).to_have_text(
        f"0:0{int(seconds)} / 2:00"
    )  # the time, shown as it runs
    page.get_by_role("button", name="停止").click()
    expect(page.locator("[data-recorder]")).to_have_attribute("data-state", "recorded")


PLAYS = """async el => {
  await el.play();
  await new Promise(done => { const t = () => el.currentTime > 0.3 ? done() : setTimeout(t, 50); t(); });
  el.pause();
  return {error: el.error && el.error.code, time: el.currentTime};
}"""


def test_an_agent_records_listens_and_sends_a_voice_note_the_staff_play(
    phone_browser, live_server, portal_town, media, artifacts_dir
):
    pt = portal_town
    context = phone_browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, pt.agent)
    page.goto(f"{live_server.url}/m/agent/")
    voice = page.locator("input[name=voice]")
    expect(voice).to_be_hidden()  # the recorder fills it
    page.locator("[name=name]").fill("刘奶奶")
    page.locator("[name=category]").select_option(label=pt.loop.category.name)
    page.locator("[name=description]").fill("家门口台阶太高,出门不方便")
    page.get_by_label("本人已同意由我代为登记并反映此诉求").check()

    record(page, 1)
    assert voice.evaluate("i => i.files.length && i.files[0].type") in (
        "audio/webm",
        "audio/ogg",
        "audio/mp4",
    )
    player = page.locator("[data-rec-play]")
    expect(player).to_be_visible()
    assert player.evaluate(PLAYS)["error"] is None  # playable before sending
    page.get_by_role("button", name="删除语音留言").click()
    assert voice.evaluate("i => i.files.length") == 0
    expect(player).to_be_hidden()
    record(page, 2)
    page.get_by_role("button", name="重新录音").click()  # again: the first take is dropped
    expect(page.locator("[data-recorder]")).to_have_attribute("data-state", "recording")
    expect(page.locator("[data-rec-time]")).to_have_text("0:02 / 2:00")
    page.get_by_role("button", name="停止").click()
    expect(page.locator("[data-recorder]")).to_have_attribute("data-state", "recorded")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)
    page.screenshot(path=os.path.join(artifacts_dir, "voice-1-recorded-360.png"), full_page=True)

    page.get_by_role("button", name="登记").click()  # without the person's consent to be recorded
    expect(page.locator('[data-error-for="voice_consent"]')).to_contain_text("请先征得老人同意录音")
    expect(page.locator("[name=description]")).to_have_value("家门口台阶太高,出门不方便")
    assert Demand.objects.count() == 0
    record(page, 2)
    page.get_by_label("老人同意录音").check()
    page.get_by_role("button", name="登记").click()
    expect(page.locator("[data-tracking-code]")).to_be_visible()

    note = Attachment.objects.get()
    assert note.is_voice and note.voice_consent and note.uploaded_by == pt.agent
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", note.file.path],
        capture_output=True,
        check=True,
    )
    assert float(json.loads(probed.stdout)["format"]["duration"]) >= 1.5
    context.close()

    staff = phone_browser.new_context(viewport=PHONE, locale="zh-CN")
    page = staff.new_page()
    sign_in(page, live_server.url, pt.loop.presidium)
    page.goto(f"{live_server.url}/demands/{note.demand.code}/")
    played = page.locator("[data-voice-note] audio")
    expect(played).to_be_visible()
    expect(page.locator("[data-voice-note]")).to_contain_text("老人同意录音")
    assert played.evaluate(PLAYS)["error"] is None
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=os.path.join(artifacts_dir, "voice-2-staff-360.png"), full_page=True)
    staff.close()
