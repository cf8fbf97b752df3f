"""The access matrix (``access_table.py``) holds for every URL and API operation, and nothing is left out."""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from .access_table import ADMIN_MODELS, ADMIN_SITE, EXEMPT, EXEMPT_ROUTE, ROWS
from .matrix import (
    ADMINS,
    DENIED,
    EVERYONE,
    HIDDEN,
    LOGIN,
    NO_METHOD,
    OK,
    PRINCIPALS,
    UNAUTHENTICATED,
    Ref,
    Row,
    outcome,
)

# Hundreds of requests on one shared pair of towns: one xdist worker, and among the slow tests.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("access_matrix")]

ADMIN_VIEW = re.compile(
    r"^admin:(?P<model>\w+?)_(?P<view>changelist|add|change|delete|history|simple_history)$"
)


def _patterns(resolver: Any, prefix: str = "", ns: str = "") -> Any:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _patterns(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns and p.name else p.name)


def _admin_model(name: str) -> str | None:
    m = ADMIN_VIEW.match(name)
    if m is None:
        return None
    labels = {f"{x._meta.app_label}_{x._meta.model_name}": x._meta.label_lower for x in admin.site._registry}
    return labels.get(m["model"])


def test_every_url_and_api_operation_has_a_row():
    rows = {r.name for r in ROWS + ADMIN_SITE}
    missing = []
    for route, name in _patterns(get_resolver()):
        if name in rows or name in EXEMPT or route in EXEMPT or re.match(EXEMPT_ROUTE, route):
            continue
        model = _admin_model(name or "")
        if model is not None and model in ADMIN_MODELS:
            continue
        missing.append(f"{route} (name {name})" if name else route)
    operations = {(r.name, r.method) for r in ROWS}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, ops in schema["paths"].items():
        name = resolve(re.sub(r"\{\w+\}", "x", path)).view_name
        for method, op in ops.items():
            if (name, method.upper()) not in operations:
                missing.append(f"{method.upper()} {path} (operation {op['operationId']}, name {name})")
    assert not missing, "No row in tests/security/access_table.py for:\n" + "\n".join(missing)


# --- asking every row ------------------------------------------------------------------------------------
def _clients(world: Any) -> dict[str, Client]:
    clients: dict[str, Client] = {}
    for principal in PRINCIPALS:
        c = Client()
        user = world.a.users.get(principal) or world.admins.get(principal)
        if user is not None:
            c.force_login(user)
        if principal == "apikey":
            c = Client(HTTP_AUTHORIZATION=f"Bearer {world.a.api_key}")
        clients[principal] = c
    return clients


def _url(r: Row, place: Any) -> str:
    kwargs = {}
    for k, v in r.kwargs.items():
        if isinstance(v, Ref):
            obj = place.objects[v.key]
            kwargs[k] = obj if isinstance(obj, str) else getattr(obj, v.attr)
        else:
            kwargs[k] = v
    url = reverse(r.name, kwargs=kwargs)
    return f"{url}?{r.query.format(town_code=place.town.code)}" if r.query else url


def _ask(c: Client, r: Row, url: str) -> str:
    if r.method == "GET":
        response = c.get(url)
    elif r.api:
        response = c.post(url, data=json.dumps({}), content_type="application/json")
    else:
        response = c.post(url, {})
    return outcome(response)


DENIALS = frozenset({LOGIN, UNAUTHENTICATED, DENIED, HIDDEN, NO_METHOD})


def test_every_row_answers_as_written(world, db):
    """Every row, every principal, town A's objects; then town B's objects for each principal that town A's
    let through: 404 (``other``), unless the row says that principal reads every town. A failure lists every
    answer that differs, with the URL, the principal, what the table says and what came."""
    clients = _clients(world)
    problems, seen, cpu = [], defaultdict(dict), {}
    gets = [r for r in ROWS if r.method == "GET"]
    posts = [r for r in ROWS if r.method != "GET"]  # after the reads (a move may change its object)
    for r in gets + posts:
        started = time.process_time()
        url = _url(r, world.a)
        through = []
        # a public page (everyone allowed) answers the same to all: asked anonymously, as a row marked once
        for principal in ("anon",) if r.once or r.allow == EVERYONE else PRINCIPALS:
            got = _ask(clients[principal], r, url)
            seen[(r.name, r.method, r.query, tuple(r.kwargs.items()))][principal] = got
            if got != r.expected(principal):
                problems.append(
                    f"{r.method} {url} as {principal}: expected {r.expected(principal)}, got {got}"
                )
            if got not in DENIALS:
                through.append(principal)
        if r.refs:
            url_b = _url(r, world.b)
            for principal in through:
                got = _ask(clients[principal], r, url_b)
                want = r.expected(principal) if principal in r.across else (r.other or HIDDEN)
                if got != want:
                    problems.append(f"{r.method} {url_b} (town B) as {principal}: expected {want}, got {got}")
        cpu[f"{r.method} {url}"] = time.process_time() - started
    if os.environ.get("MATRIX_DUMP"):
        for key, by in seen.items():
            groups = defaultdict(list)
            for p, o in by.items():
                groups[o].append(p)
            print(key[0], key[1], key[2], dict(groups))
        print(f"CPU {sum(cpu.values()):.1f}s", sorted(cpu.items(), key=lambda kv: -kv[1])[:15])
    assert not problems, f"{len(problems)} answers differ from the table:\n" + "\n".join(problems)


def test_admin_pages(world, db):
    """The admin's index and each registered model's list and "add" page, for everyone (ADMIN_MODELS); a
    town's presidium opens its own town's demand in the admin, never another town's."""
    clients = _clients(world)
    problems = []
    for r in ADMIN_SITE:
        url = _url(r, world.a)
        for p in PRINCIPALS:
            if (got := outcome(clients[p].get(url))) != r.expected(p):
                problems.append(f"GET {url} as {p}: expected {r.expected(p)}, got {got}")
    staff = {"presidium", *ADMINS}
    # Django's admin_view lets no one without is_staff reach any model's page: those are asked once, on the
    # first model's pages; the admin's users on every model's.
    first = True
    for model in admin.site._registry:
        label = model._meta.label_lower
        assert label in ADMIN_MODELS, f"{label} is registered in the admin but has no row in ADMIN_MODELS"
        for view, allowed in zip(("changelist", "add"), ADMIN_MODELS[label], strict=True):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            for p in PRINCIPALS if first else staff:
                want = OK if p in allowed else DENIED if p in staff else LOGIN
                if (got := outcome(clients[p].get(url))) != want:
                    problems.append(f"GET {url} as {p}: expected {want}, got {got}")
        first = False
    own = reverse("admin:demands_demand_change", args=[world.a.objects["demand"].pk])
    other = reverse("admin:demands_demand_change", args=[world.b.objects["demand"].pk])
    assert clients["presidium"].get(own).status_code == 200
    r = clients["presidium"].get(other)  # the town-scoped admin: not there
    assert r.status_code == 404, r.status_code
    assert not problems, f"{len(problems)} answers differ from the table:\n" + "\n".join(problems)
