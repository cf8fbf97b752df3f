"""No response shows a full phone or ID number to a role without the right to see it unmasked.

A town is seeded with known numbers: requesters' phones and ID numbers on demands in every list, dispute
parties' phones and ID numbers (with an agreement PDF), and the phones of deputies, observers and agents.
Every role (anonymous, citizen, observer, agent, deputy, department staff, mediator, county viewer, the three
administrators, an API key) crawls what it can reach with GET: its landing page, each section's index, the
detail pages of the seeded cases, the REST API's lists and details, Open311, the exports — and every link
those pages give. Each answer (HTML, JSON, text, Excel workbooks, PDFs) is searched for every full number.
The presidium holds the reveal right (``view_personal_data``) and is not scanned; a citizen's own phone is
theirs to see. Figures: roles, responses scanned, leaks (each printed with its role and URL).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from lianxin.accounts.roles import Role
from lianxin.api.services import api_key_create
from tests.disputes.factories import Ledger
from tests.factories import AgentFactory, DeputyFactory, ObserverFactory, UserFactory
from tests.loop import Loop

from . import figures

MAX_PAGES = 160  # per role
SKIP = re.compile(
    r"/(logout|sign-out|signout|i18n|static)/|/accounts/logout|/admin/logout|[?&](lang|language)="
)


def _secrets(n: int) -> tuple[str, str]:
    return f"1370000{n:04d}", f"41072419{80 + n % 20:02d}0101{n:03d}X"[:18]


def _text(content: bytes, ctype: str) -> str:
    if "spreadsheetml" in ctype or content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                return "\n".join(
                    z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    if "pdf" in ctype or content[:5] == b"%PDF-":
        with contextlib.suppress(Exception):  # a PDF pypdf cannot read is scanned as bytes below
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", "replace")


def _links(body: str, base: str) -> list[str]:
    out = []
    for href in re.findall(r'(?:href|src|action|data-url|data-href)="([^"#]+)', body) + re.findall(
        r'"(?:url|next|link|href)"\s*:\s*"([^"]+)"', body
    ):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            out.append(path)
    return out


@pytest.mark.slow
@pytest.mark.django_db
def test_no_role_sees_a_number_it_may_not(settings):
    settings.PORTAL_SUBMIT_RATE_IP = settings.PORTAL_SUBMIT_RATE_PHONE = "10000/h"
    ledger = Ledger.build()
    town = ledger.town
    loop = Loop.build(town=town)
    secrets: dict[str, str] = {}  # number → what it is

    def secret(n: int, what: str) -> tuple[str, str]:
        phone, idn = _secrets(n)
        secrets[phone] = f"{what} phone"
        secrets[idn] = f"{what} ID number"
        return phone, idn

    # demands in each list, with requesters' phones and ID numbers
    codes = []
    for i, step in enumerate(
        ("recorded", "claimed", "assigned", "accepted", "completed", "evaluated", "closed")
    ):
        phone, idn = secret(10 + i, f"requester of a {step} demand")
        demand = getattr(loop, step)(requester_phone=phone, requester_id_number=idn, requester_name=f"张{i}")
        codes.append(demand.code)
    # disputes with parties, one agreed (its agreement PDF), one raising a demand
    dispute_codes = []
    for i, status in enumerate(("registered", "mediating", "agreed", "closed")):
        a_phone, a_id = secret(40 + i, f"applicant of a {status} dispute")
        r_phone, r_id = secret(50 + i, f"respondent of a {status} dispute")
        parties = [
            {"side": "applicant", "name": f"王{i}", "phone": a_phone, "id_number": a_id},
            {"side": "respondent", "name": f"赵{i}", "phone": r_phone, "id_number": r_id},
        ]
        dispute = ledger.at(status, parties=parties)
        dispute_codes.append(dispute.code)
    ledger.do("raise_demand", ledger.at("mediating"), ledger.mediator)
    # the people: deputies, an observer, an agent (their phones are personal data too)
    dep_phone, _ = secret(70, "deputy")
    DeputyFactory(town=town, name="周代表", phone=dep_phone)
    obs_phone, _ = secret(71, "observer")
    observer_user = UserFactory(town=town, role=Role.OBSERVER, phone=obs_phone)
    ObserverFactory(town=town, user=observer_user, deputy=loop.deputy.deputy, cell=loop.cell, phone=obs_phone)
    agent_phone, _ = secret(72, "agent")
    agent_user = UserFactory(town=town, role=Role.AGENT, phone=agent_phone)
    AgentFactory(town=town, user=agent_user, phone=agent_phone)
    _key, raw = api_key_create(town=town, name="12345")

    people: dict[str, Any] = {
        "anonymous": None,
        "citizen": UserFactory(town=town, role=Role.CITIZEN, phone="13500009999"),  # not their requester
        "observer": observer_user,
        "agent": agent_user,
        "deputy": loop.deputy,
        "department staff": loop.staff,
        "department staff (other)": loop.other_staff,
        "mediator": ledger.mediator,
        "county viewer": ledger.county,
        "system administrator": UserFactory(town=None, role=Role.SYSTEM_ADMIN, is_staff=True),
        "security administrator": UserFactory(town=None, role=Role.SECURITY_ADMIN, is_staff=True),
        "audit administrator": UserFactory(town=None, role=Role.AUDIT_ADMIN, is_staff=True),
        "API key": "key",
    }
    seeds = [
        "/", "/town/", "/demands/", "/demands/lists/", "/disputes/", "/disputes/ledgers/", "/duty/",
        "/supervision/", "/tracking/", "/insight/", "/admin/", f"/board/{town.code}/",
        f"/board/{town.code}/deputies/", f"/m/{town.code}/", f"/m/{town.code}/mine/", f"/m/{town.code}/mine/data/",
        "/m/agent/", "/m/observer/", "/api/v1/demands/", "/api/v1/disputes/", "/api/v1/mediation-sessions/",
        "/api/v1/warnings/", f"/open311/v2/requests.json?jurisdiction_id={town.code}",
        f"/open311/v2/servicerequestupdates.json?jurisdiction_id={town.code}",
        *[f"/demands/lists/{k}/?format=xlsx" for k in ("problems", "tasks", "outcomes")],
        *[f"/demands/{c}/" for c in codes], *[f"/api/v1/demands/{c}/" for c in codes],
        *[f"/api/v1/demands/{c}/events/" for c in codes],
        *[f"/open311/v2/requests/{c}.json?jurisdiction_id={town.code}" for c in codes],
        *[f"/disputes/{c}/" for c in dispute_codes], *[f"/disputes/{c}/agreement.pdf" for c in dispute_codes],
        *[f"/api/v1/disputes/{c}/" for c in dispute_codes],
    ]  # fmt: skip
    leaks: list[str] = []
    scanned = 0
    for role, user in people.items():
        if user == "key":
            client: Any = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            own: set[str] = set()
        else:
            client = Client()
            if user is not None:
                client.force_login(user)
            own = {user.phone} if user is not None and user.phone else set()  # one's own number is one's own
        queue = deque(seeds)
        seen: set[str] = set()
        while queue and len(seen) < MAX_PAGES:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            r = client.get(url, HTTP_ACCEPT="text/html,application/json,*/*")
            if r.status_code in (301, 302) and r.get("Location"):
                queue.appendleft(urlsplit(r["Location"]).path)
                continue
            if r.status_code != 200 or getattr(r, "streaming", False):
                continue
            scanned += 1
            body = _text(r.content, r.get("Content-Type", ""))
            for number, what in secrets.items():
                if number in body and number not in own:
                    leaks.append(f"{role}: {url} shows the {what} ({number})")
            if "html" in r.get("Content-Type", "") or "json" in r.get("Content-Type", ""):
                queue.extend(u for u in _links(body, url) if u not in seen)
    # the control: where the right exists the number is on the page, so the search above can find one
    presidium = Client()
    presidium.force_login(loop.presidium)
    shown = presidium.get(f"/demands/{codes[0]}/")
    assert _secrets(10)[0] in _text(shown.content, shown["Content-Type"]), "the scan would not see a leak"
    figures.record(
        "scan", roles=len(people), responses=scanned, leaks=len(leaks), leak_list=sorted(set(leaks))
    )
    assert leaks == [], "\n".join(sorted(set(leaks)))
