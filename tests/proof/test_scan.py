"""No response shows a full name, phone or ID number unless it answers a reveal that was recorded.

A town is seeded with known personal data: requesters' names, phones and ID numbers on demands in every list,
dispute parties' (with an agreement PDF), an enterprise's contact person, and the phones of deputies,
observers and agents. Every principal (anonymous, citizen, observer, agent, deputy, department staff, the
mediator of the disputes and another mediator, the presidium, a county viewer, the three administrators, an
API key) crawls what it can reach with GET: its landing page, each section's index, the detail pages of the
seeded cases, the REST API's lists and details, Open311, the exports, the admin — and every link those pages
give. Each answer (HTML, JSON, text, Excel workbooks, PDFs) is searched for every full value: a GET reveals
nothing unless it recorded a reveal itself (the one such page: the dispute's own mediator printing the agreement
for the parties to sign), so any other hit is a leak (one's own number is one's own). Then every principal posts a reason to every
reveal it found (the forms marked ``data-reveal``/``data-print-signed``, the API's ``reveal`` actions): an
answer that shows a full value must be matched by an audit entry of that principal for that object written
by that request. Figures: principals, responses scanned, reveals granted, leaks (each with role and URL).
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
from django.db.models import Max
from pypdf import PdfReader
from rest_framework.test import APIClient

from lianxin.accounts.roles import Role
from lianxin.api.services import api_key_create
from lianxin.audit.models import AuditEntry
from lianxin.supervision.services import enterprise_register
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


# Names that occur nowhere else on a page: a family name and three uncommon characters, one per person.
GIVEN = "鑫淼焱垚森磊犇骉晶品"


def _name(n: int) -> str:
    return f"欧阳{GIVEN[n % 10]}{GIVEN[(n // 10) % 10]}"


def _forms(body: str, base: str) -> list[str]:
    """The reveal forms of a page: the URLs they post to."""
    out = []
    for form in re.findall(r"<form\b[^>]*>", body):
        if "data-reveal" not in form and "data-print-signed" not in form:
            continue
        found = re.search(r'action="([^"]*)"', form)
        path = urlsplit(urljoin(base, (found.group(1) if found else "") or base)).path
        out.append(path)
    return out


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
    for href in re.findall(r'(?:href|src|action|data-url|data-href|hx-get)="([^"#]+)', body) + re.findall(
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
    settings.PERSONAL_REVEAL_RATE = "10000/h"
    ledger = Ledger.build()
    town = ledger.town
    loop = Loop.build(town=town)
    secrets: dict[str, tuple[str, tuple[str, str]]] = {}  # value → (what it is, its object)

    def secret(n: int, what: str, obj: tuple[str, str] = ("", "")) -> tuple[str, str, str]:
        phone, idn = _secrets(n)
        name = _name(n)
        secrets[phone] = (f"{what} phone", obj)
        secrets[idn] = (f"{what} ID number", obj)
        secrets[name] = (f"{what} name", obj)
        return phone, idn, name

    def owner(obj: Any) -> tuple[str, str]:
        return (obj._meta.label_lower, str(obj.pk))

    # demands in each list, with requesters' names, phones and ID numbers
    codes = []
    for i, step in enumerate(
        ("recorded", "claimed", "assigned", "accepted", "completed", "evaluated", "closed")
    ):
        phone, idn, name = secret(10 + i, f"requester of a {step} demand")
        demand = getattr(loop, step)(requester_phone=phone, requester_id_number=idn, requester_name=name)
        for value in (phone, idn, name):
            secrets[value] = (secrets[value][0], owner(demand))
        codes.append(demand.code)
    # disputes with parties, one agreed (its agreement PDF), one raising a demand
    dispute_codes = []
    for i, status in enumerate(("registered", "mediating", "agreed", "closed")):
        a_phone, a_id, a_name = secret(40 + i, f"applicant of a {status} dispute")
        r_phone, r_id, r_name = secret(50 + i, f"respondent of a {status} dispute")
        parties = [
            {"side": "applicant", "name": a_name, "phone": a_phone, "id_number": a_id},
            {"side": "respondent", "name": r_name, "phone": r_phone, "id_number": r_id},
        ]
        dispute = ledger.at(status, parties=parties)
        for value in (a_phone, a_id, a_name, r_phone, r_id, r_name):
            secrets[value] = (secrets[value][0], owner(dispute))
        dispute_codes.append(dispute.code)
    ledger.do("raise_demand", ledger.at("mediating"), ledger.mediator)
    # an enterprise's contact person
    e_phone, _id, e_name = secret(60, "enterprise contact")
    del secrets[_id]
    company = enterprise_register(
        town=town,
        actor=loop.presidium,
        name="联心机械厂",
        sector="制造",
        contact_name=e_name,
        contact_phone=e_phone,
    )
    secrets[e_phone] = (secrets[e_phone][0], owner(company))
    secrets[e_name] = (secrets[e_name][0], owner(company))

    # the people: deputies, an observer, an agent (their phones are personal data; their names are public)
    def phone_only(n: int, what: str) -> str:
        phone, idn, name = secret(n, what)
        del secrets[idn], secrets[name]
        return phone

    dep_phone = phone_only(70, "deputy")
    deputy = DeputyFactory(town=town, name="周代表", phone=dep_phone)
    secrets[dep_phone] = (secrets[dep_phone][0], owner(deputy))
    obs_phone = phone_only(71, "observer")
    observer_user = UserFactory(town=town, role=Role.OBSERVER, phone=obs_phone)
    observer = ObserverFactory(
        town=town, user=observer_user, deputy=loop.deputy.deputy, cell=loop.cell, phone=obs_phone
    )
    secrets[obs_phone] = (secrets[obs_phone][0], owner(observer))
    agent_phone = phone_only(72, "agent")
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
        "mediator (other)": ledger.other_mediator,
        "presidium": loop.presidium,
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
        "/api/v1/deputies/", "/api/v1/warnings/", f"/open311/v2/requests.json?jurisdiction_id={town.code}",
        f"/open311/v2/servicerequestupdates.json?jurisdiction_id={town.code}",
        "/people/deputies/", "/people/observers/", f"/supervision/industry/enterprises/{company.pk}/",
        "/admin/notify/outboxmessage/", "/admin/people/deputy/", "/admin/people/observer/",
        "/admin/supervision/enterprise/",
        *[f"/demands/lists/{k}/?format=xlsx" for k in ("problems", "tasks", "outcomes")],
        *[f"/demands/{c}/" for c in codes], *[f"/api/v1/demands/{c}/" for c in codes],
        *[f"/api/v1/demands/{c}/events/" for c in codes],
        *[f"/open311/v2/requests/{c}.json?jurisdiction_id={town.code}" for c in codes],
        *[f"/disputes/{c}/" for c in dispute_codes], *[f"/disputes/{c}/agreement.pdf" for c in dispute_codes],
        *[f"/api/v1/disputes/{c}/" for c in dispute_codes],
    ]  # fmt: skip
    api_reveals = [
        *[f"/api/v1/demands/{c}/reveal/" for c in codes],
        *[f"/api/v1/disputes/{c}/reveal/" for c in dispute_codes],
    ]
    leaks: list[str] = []
    granted: dict[str, int] = {}
    scanned = 0
    for role, user in people.items():
        if user == "key":
            client: Any = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            own: set[str] = set()
            actor_id = None
        else:
            client = APIClient()
            if user is not None:
                client.force_login(user)
            own = {user.phone} if user is not None and user.phone else set()  # one's own number is one's own
            actor_id = getattr(user, "pk", None)
        queue = deque(seeds)
        seen: set[str] = set()
        reveals: set[str] = set(api_reveals)
        while queue and len(seen) < MAX_PAGES:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            before_get = AuditEntry.objects.filter(kind="reveal").aggregate(m=Max("pk"))["m"] or 0
            r = client.get(url, HTTP_ACCEPT="text/html,application/json,*/*")
            if r.status_code in (301, 302) and r.get("Location"):
                queue.appendleft(urlsplit(r["Location"]).path)
                continue
            if r.status_code != 200 or getattr(r, "streaming", False):
                continue
            scanned += 1
            body = _text(r.content, r.get("Content-Type", ""))
            # A GET reveals nothing, with one exception that writes its own audit entry: the dispute's own
            # mediator printing the agreement for the parties to sign (issue 26). So the rule is the POSTs':
            # a full value only with a reveal this request recorded, by this principal, for that object.
            recorded = {
                (e.object_type, e.object_id)
                for e in AuditEntry.objects.filter(kind="reveal", pk__gt=before_get, user_id=actor_id)
            }
            shown_by_get = False
            for value, (what, obj) in secrets.items():
                if value in body and value not in own:
                    if obj in recorded:
                        shown_by_get = True
                    else:
                        leaks.append(f"{role}: GET {url} shows the {what} ({value})")
            if shown_by_get:
                granted[role] = granted.get(role, 0) + 1
            if "html" in r.get("Content-Type", "") or "json" in r.get("Content-Type", ""):
                queue.extend(u for u in _links(body, url) if u not in seen)
                reveals.update(_forms(body, url))
        # every reveal this principal can find, with a reason: a full value only with its audit entry
        for url in sorted(reveals):
            before = AuditEntry.objects.filter(kind="reveal").aggregate(m=Max("pk"))["m"] or 0
            r = client.post(url, {"reason": "核对当事人信息"})
            if r.status_code != 200:
                continue
            body = _text(r.content, r.get("Content-Type", ""))
            recorded = {
                (e.object_type, e.object_id)
                for e in AuditEntry.objects.filter(kind="reveal", pk__gt=before, user_id=actor_id)
            }
            shown = [(v, what, obj) for v, (what, obj) in secrets.items() if v in body and v not in own]
            if shown:
                granted[role] = granted.get(role, 0) + 1
            for value, what, obj in shown:
                if obj not in recorded:
                    leaks.append(
                        f"{role}: POST {url} shows the {what} ({value}) with no reveal recorded for it"
                    )
    figures.record(
        "scan",
        roles=len(people),
        responses=scanned,
        reveals=sum(granted.values()),
        leaks=len(leaks),
        leak_list=sorted(set(leaks)),
    )
    assert leaks == [], "\n".join(sorted(set(leaks)))
    # the controls: those whose work needs it do see the full values (so the search above can find one)
    for role in ("presidium", "mediator", "deputy", "department staff"):
        assert granted.get(role), f"{role} could not reveal anything: the scan would not see a leak"
