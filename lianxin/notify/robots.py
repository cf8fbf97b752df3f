"""Group robots: a WeCom (企业微信) group robot or a DingTalk (钉钉) custom robot posts a notice to the group
chat of the audience it stands for (a department's staff, the presidium, a cell's deputies).

- **Which notices.** Every notice whose audiences include a group (``core.notices.Group``) for which the town
  keeps an active ``RobotGroup`` also goes to that robot, once per event: several notices or audiences of one
  event that name the same group make one message (``robot_rows``). The people are told as before, each on
  their own channels.
- **What it says.** Markdown: the subject in bold, the body, a link to the page (absolute, with
  ``PORTAL_PUBLIC_BASE_URL``), in the town's language. A group chat is read by whoever is in it, so phone and
  ID numbers in the words are masked (``scrub``); the notices name demands by their code, never a requester.
- **Pace.** Each robot takes 20 messages a minute (``ROBOT_RATE_PER_MINUTE``). The sender keeps a sliding
  window of its calls per robot in the default cache (shared by every worker: the database cache, or Redis
  with CACHE_URL); the 21st message of a minute is moved to when the window frees (``Later``), neither an
  error nor an attempt. A robot's messages are one outbox stream, sent in order. A platform that still
  answers "too fast" (WeCom 45009, DingTalk 130101) gets the message again after a back-off that doubles.
- **Failures.** A refusal for good (a wrong key, signature or keyword: DingTalk 310000, WeCom 93000) fails
  the row at once with its reason; a network failure or a busy platform is retried like any channel. The
  admin's list of robots shows each one's last message sent, its last error and its failed messages.
- **Where to.** Through ``core.outbound.post`` (public https only, no redirects): the platforms' addresses are
  settings (``ROBOT_WECOM_URL``, ``ROBOT_DINGTALK_URL``) so the tests point them at a fake on 127.0.0.1.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianxin.core import outbound
from lianxin.core.clock import now
from lianxin.core.events import DomainEvent
from lianxin.core.masking import mask_id_number, mask_phone
from lianxin.core.notices import CITIZEN, Group, Notice, NoticeTable

from .channels import DeliveryError, Later, Retry, Undeliverable
from .models import OutboxMessage, RobotAudience, RobotGroup, RobotKind

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(minutes=1)
MAX_BYTES = 4000  # WeCom takes 4096 bytes of markdown; DingTalk about 20,000: one limit for both
# The platform said "too fast" although our window allowed the call (another system posts with the same robot):
# the message waits a minute, then two, four … up to this.
THROTTLE_CAP = dt.timedelta(minutes=16)
ROBOTS = Retry(first=dt.timedelta(minutes=1), cap=dt.timedelta(hours=1), max_attempts=8)

# The answers (``errcode``) that mean "too fast", "busy, try again", and what a refusal for good means.
THROTTLED = {RobotKind.WECOM: {45009}, RobotKind.DINGTALK: {130101, 130102}}
BUSY = {-1}
SWITCHED_OFF = gettext_noop("could not deliver: the group robot is switched off")
REFUSED_FOR_GOOD = {
    310000: gettext_noop(
        "DingTalk refused the message (310000): check the signing secret, the keyword and the IP allowlist"
    ),
    93000: gettext_noop(
        "WeCom refused the message (93000): the webhook key is wrong or the robot was removed"
    ),
}

# Numbers a person can be found by (a mobile or landline number, a resident ID number) in words a group reads;
# not a demand's code (letters first) nor a time (03-18 17:00).
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(_EDGE_BEFORE + r"\d{17}[\dXx]" + _EDGE_AFTER)
PHONE = re.compile(
    _EDGE_BEFORE + r"(?:\+?86[\s-]?)?(?:1[3-9]\d(?:[\s-]?\d{4}){2}|0\d{2,3}[\s-]?\d{7,8})" + _EDGE_AFTER
)


def scrub(text: str) -> str:
    """The words with phone and ID numbers masked as everywhere (138****5678)."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return PHONE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())[-11:]), text)


def absolute(path: str) -> str:
    """The page's address as a group member's phone opens it ("" when the site's address is not set)."""
    if not path or path.startswith(("https://", "http://")):
        return path
    base = str(getattr(settings, "PORTAL_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else ""


def markdown(subject: str, body: str, url: str) -> str:
    text = f"**{subject}**"
    if body:
        text += f"\n\n{body}"
    if url:
        text += f"\n\n[{_('Open in Lianxin')}]({url})"
    return text


# --- the engine's side: which robots hear of an event ----------------------------------------------------------
def _matches(robot: RobotGroup, group: Group) -> bool:
    if robot.audience != group.kind:
        return False
    return robot.audience == RobotAudience.PRESIDIUM or (
        group.key is not None and robot.audience_key == int(group.key)
    )


def robot_rows(
    tables: Iterable[tuple[NoticeTable, tuple[Notice, ...]]], event: DomainEvent, *, language: str
) -> list[OutboxMessage]:
    """One message for each active robot whose group an audience of the event's notices names, however
    many notices or audiences name it (the first notice's words); unsaved, queued with the event's others."""
    found: dict[int, OutboxMessage] = {}
    robots_of: dict[int, list[RobotGroup]] = {}
    for table, notices in tables:
        town_id = table.town_id(event)
        if town_id not in robots_of:
            robots_of[town_id] = list(RobotGroup.objects.filter(town_id=town_id, active=True))
        robots = [r for r in robots_of[town_id] if r.pk not in found]
        for notice in notices:
            if not robots:
                break
            if notice.when is not None and not notice.when(event):
                continue
            groups = [
                g
                for name in notice.to
                if name != CITIZEN
                for g in table.audiences[name](event)
                if isinstance(g, Group)
            ]
            told = [r for r in robots if any(_matches(r, g) for g in groups)]
            if not told:
                continue
            with translation.override(language):
                subject = scrub(str(notice.subject) % table.facts(event))
                url = absolute(table.link(event))
                text = markdown(subject, scrub(notice.body(event)), url)
            for robot in told:
                found[robot.pk] = OutboxMessage(
                    town_id=town_id,
                    channel=robot.kind,
                    robot=robot,
                    subject=subject[:120],
                    body=_fit(text),
                    url=url[:200],
                    stream=robot.stream,
                )
            robots = [r for r in robots if r.pk not in found]
    return list(found.values())


def _fit(text: str) -> str:
    data = text.encode()
    return text if len(data) <= MAX_BYTES else data[:MAX_BYTES].decode(errors="ignore") + "…"


# --- the pace: 20 a minute per robot ---------------------------------------------------------------------------
def _window_key(robot: RobotGroup) -> str:
    return f"lianxin-robot-window:{robot.pk}"


def pace(robot: RobotGroup) -> None:
    """Count a call in the robot's sliding window of a minute, or raise ``Later`` with when it frees. The one
    sender (the outbox runs under its lock) reads and writes the window."""
    moment = now().timestamp()
    calls = [t for t in cache.get(_window_key(robot), []) if t > moment - WINDOW.total_seconds()]
    if len(calls) >= settings.ROBOT_RATE_PER_MINUTE:
        oldest = calls[-settings.ROBOT_RATE_PER_MINUTE]
        raise Later(dt.datetime.fromtimestamp(oldest, tz=dt.UTC) + WINDOW)
    calls.append(moment)
    cache.set(_window_key(robot), calls, timeout=int(WINDOW.total_seconds()) * 2)


def _throttled(robot: RobotGroup) -> dt.datetime:
    """When to try again after the platform said "too fast": a minute, doubling while it keeps saying it."""
    key = f"lianxin-robot-throttled:{robot.pk}"
    times = int(cache.get(key, 0)) + 1
    cache.set(key, times, timeout=int(THROTTLE_CAP.total_seconds()) * 2)
    return now() + min(WINDOW * 2 ** (times - 1), THROTTLE_CAP)


# --- the channels ----------------------------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed by the secret (URL-encoded by
    the caller's query string)."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


class RobotChannel:
    """A group robot's message: the row's ``robot`` is where it goes; an account is never its address."""

    name: str
    retry = ROBOTS
    atomic = False  # no transaction is held open while the platform answers
    for_people = False  # reaches a group, never offered in a person's notification settings

    def address(self, user: Any) -> str:
        return ""

    def request(self, robot: RobotGroup, msg: Any) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def deliver(self, msg: Any) -> None:
        robot = msg.robot
        if robot is None or not robot.active:
            raise Undeliverable(SWITCHED_OFF)
        pace(robot)
        url, payload = self.request(robot, msg)
        answer = outbound.post(
            url,
            json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            result = json.loads(answer.body or b"{}")
            code = int(result.get("errcode", -1))
        except (ValueError, TypeError, AttributeError) as exc:
            raise DeliveryError(f"{self.name}: unreadable answer") from exc
        if code == 0:
            cache.delete(f"lianxin-robot-throttled:{robot.pk}")
            return
        log.warning("robot %s (%s) answered %s: %s", robot.pk, self.name, code, result.get("errmsg", ""))
        if code in THROTTLED[RobotKind(self.name)]:
            raise Later(_throttled(robot))
        if code in BUSY:
            raise DeliveryError(f"{self.name} errcode {code}: busy")
        raise Undeliverable(REFUSED_FOR_GOOD.get(code, f"{self.name} errcode {code}"))


class WeComChannel(RobotChannel):
    """企业微信群机器人: POST {"msgtype": "markdown", "markdown": {"content": …}} to the webhook's key."""

    name = RobotKind.WECOM.value

    def request(self, robot: RobotGroup, msg: Any) -> tuple[str, dict[str, Any]]:
        url = f"{settings.ROBOT_WECOM_URL}?{urlencode({'key': robot.token})}"
        return url, {"msgtype": "markdown", "markdown": {"content": msg.body}}


class DingTalkChannel(RobotChannel):
    """钉钉自定义机器人: the access token, the signature of the moment (加签) when a secret is kept, and the
    keyword in the text when one is set."""

    name = RobotKind.DINGTALK.value

    def request(self, robot: RobotGroup, msg: Any) -> tuple[str, dict[str, Any]]:
        query: dict[str, Any] = {"access_token": robot.token}
        if robot.secret:
            stamp = int(now().timestamp() * 1000)
            query |= {"timestamp": stamp, "sign": dingtalk_sign(robot.secret, stamp)}
        text = msg.body
        if robot.keyword and robot.keyword not in text:
            text += f"\n\n{robot.keyword}"
        payload = {"msgtype": "markdown", "markdown": {"title": msg.subject, "text": text}}
        return f"{settings.ROBOT_DINGTALK_URL}?{urlencode(query)}", payload


WECOM, DINGTALK = WeComChannel(), DingTalkChannel()
