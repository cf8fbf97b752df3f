# ruff: noqa: S608 - SQL built from table and column names of our own models, never from input
"""What the benchmark does inside Django (one process per database; ``python -m bench.inproc STEP``).

- ``build``: the dataset (bench/dataset.py), then what the HTTP pass needs: sessions of the four staff
  accounts, an API key, a demand each account may read, the pages (found by URL name, so a renamed path still
  resolves), all printed as one JSON object.
- ``intake``: ``demand_record`` in a loop against the raw insert of the same rows, with statements per call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STAFF = ("presidium", "deputy", "department", "county")

# (label, URL name, kwargs); ``{code}`` and ``{town}`` are filled per account. Pages of every app a staff
# account reads; one that answers 403/404 for an account (not its page) is kept in the JSON, not the table.
STAFF_PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("home", "portal:home", {}),
    ("town at a glance", "portal:town", {}),
    ("workbench", "demands:index", {}),
    ("deputy inbox", "demands:deputy_inbox", {}),
    ("department inbox", "demands:department_inbox", {}),
    ("lists overview", "demands:overview", {}),
    ("problem list", "demands:list", {"kind": "problem"}),
    ("assignment list", "demands:list", {"kind": "assignment"}),
    ("completion list", "demands:list", {"kind": "completion"}),
    ("demand detail", "demands:detail", {"code": "{code}"}),
    ("notifications", "notify:list", {}),
    ("insight dashboard", "insight:dashboard", {}),
    ("insight wall", "insight:wall", {}),
    ("insight items", "insight:items", {}),
    ("insight map", "insight:map", {}),
    ("early warnings", "insight:warnings", {}),
    ("disputes", "disputes:index", {}),
    ("dispute ledgers", "disputes:ledgers", {}),
    ("dispute analysis", "disputes:analysis", {}),
    ("hearings", "disputes:hearings", {}),
    ("supervision", "supervision:index", {}),
    ("suggestions", "supervision:suggestions", {}),
    ("inquiries", "supervision:inquiries", {}),
    ("themes", "supervision:themes", {}),
    ("work plans", "supervision:plans", {}),
    ("industry", "supervision:industry", {}),
    ("tracked items", "tracking:index", {}),
    ("duty", "duty:home", {}),
    ("rankings", "duty:rankings", {}),
    ("coverage", "duty:coverage", {}),
    ("deputies", "people:deputies", {}),
    ("observers", "people:observers", {}),
    ("cells", "territory:cells", {}),
    ("stations", "territory:stations", {}),
    ("board queue", "board:queue", {}),
]
PUBLIC_PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("public board index", "portal:board_index", {}),
    ("public board", "portal:board", {"town_code": "{town}"}),
    ("public deputies", "portal:deputies", {"town_code": "{town}"}),
    ("public stations", "portal:stations", {"town_code": "{town}"}),
    ("mobile form", "portal:submit", {"town_code": "{town}"}),
    ("public projects", "supervision:public_projects", {"town_code": "{town}"}),
    ("public plan", "supervision:public_plan", {"town_code": "{town}"}),
]


def _setup(database_url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["LIANXIN_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("OTP_REQUIRED", "false")
    import django

    django.setup()


def _url(name: str, kwargs: dict[str, str], fill: dict[str, str]) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs={k: v.format(**fill) for k, v in kwargs.items()})
    except NoReverseMatch:
        return None


def _readable_code(user: Any, town: Any) -> str:
    """A demand of the town this account may read, preferring one with an assignment and a long timeline."""
    from lianxin.demands import scopes
    from lianxin.demands.models import Demand

    qs = scopes.demands(user, Demand.objects.filter(town=town))
    demand = qs.filter(assignment__isnull=False).order_by("id").first() or qs.order_by("id").first()
    return demand.code if demand else ""


def prepare() -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from lianxin.accounts.models import User
    from lianxin.api.services import api_key_rotate
    from lianxin.core.models import Town
    from lianxin.demands.models import Category
    from lianxin.territory.models import GridCell

    town = Town.objects.order_by("pk").first()
    assert town is not None
    _key, raw = api_key_rotate(town=town, name="bench")
    category = Category.objects.filter(town=town).order_by("pk").first()
    cell = GridCell.objects.filter(town=town).order_by("pk").first()
    assert category is not None and cell is not None
    out: dict[str, Any] = {
        "town_code": town.code,
        "api_key": raw,
        "category": category.pk,
        "cell": cell.pk,
        "cell_code": cell.code,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": {},
        "pages": [],
    }
    backend = "django.contrib.auth.backends.ModelBackend"
    for username in STAFF:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user, backend=backend)
        out["sessions"][username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        fill = {"code": _readable_code(user, town), "town": town.code}
        for label, name, kwargs in STAFF_PAGES:
            if url := _url(name, kwargs, fill):
                out["pages"].append({"label": label, "user": username, "url": url, "group": "staff"})
    for label, name, kwargs in PUBLIC_PAGES:
        if url := _url(name, kwargs, {"town": town.code}):
            out["pages"].append({"label": label, "user": "", "url": url, "group": "public"})
    open311 = _url("open311:requests", {"format": "json"}, {}) or "/open311/v2/requests.json"
    api = _url("api:demand-list", {}, {}) or "/api/v1/demands/"
    out["open311_requests"] = open311
    out["api_demands"] = api
    out["pages"] += [
        {"label": "Open311 GET requests", "user": "", "url": f"{open311}?api_key={raw}", "group": "api"},
        {"label": "REST GET demands", "user": "", "url": api, "group": "api", "api_key": True},
    ]
    export = _url("demands:list", {"kind": "completion"}, {})
    out["export"] = f"{export}?format=xlsx" if export else ""
    return out


def intake(n: int) -> dict[str, Any]:
    """``demand_record`` n times (a transaction each), then the same rows by plain INSERTs (autocommit each)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from lianxin.accounts.models import User
    from lianxin.core.models import Town
    from lianxin.demands.models import Category, Demand
    from lianxin.demands.services import demand_record
    from lianxin.notify.models import OutboxMessage
    from lianxin.territory.models import GridCell

    town = Town.objects.order_by("pk").first()
    assert town is not None
    category = Category.objects.filter(town=town).order_by("pk").first()
    cell = GridCell.objects.filter(town=town).order_by("pk").first()
    clerk = User.objects.get(username="presidium")
    assert category is not None

    def record(i: int) -> Demand:
        return demand_record(
            town=town,
            recorded_by=clerk,
            channel="hotline",
            category=category,
            title=f"基准测试 {i}",
            description="路灯不亮，晚上出行不便。",
            cell=cell,
            requester_name="王先生",
            requester_phone="13900000000",
        )

    record(-1)  # warm: imports, caches, the first connection
    outbox_before = OutboxMessage.objects.count()
    with CaptureQueriesContext(connection) as one:
        record(0)
    outbox_one = OutboxMessage.objects.count() - outbox_before
    made = []
    started = time.perf_counter()
    for i in range(n):
        made.append(record(i + 1).pk)
    service = n / (time.perf_counter() - started)

    table = Demand._meta.db_table
    columns = [f.column for f in Demand._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id IN ({', '.join(['%s'] * len(made))})", made
        )
        rows = [list(r) for r in cursor.fetchall()]
    code_at = columns.index("code")
    key_at = columns.index("intake_key")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    started = time.perf_counter()
    for row in rows:
        row[code_at] = "R" + uuid.uuid4().hex[:15]
        row[key_at] = ""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, row)
    raw = len(rows) / (time.perf_counter() - started)
    return {
        "n": n,
        "service_per_s": round(service, 1),
        "raw_insert_per_s": round(raw, 1),
        "ratio": round(service / raw, 3),
        "statements_per_demand": len(one.captured_queries),
        "outbox_rows_per_demand": outbox_one,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["build", "intake"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--var", required=True)
    parser.add_argument("--kind", default="town")
    parser.add_argument("--demands", type=int, default=0)
    parser.add_argument("--towns", type=int, default=1)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    _setup(args.database_url, args.var)
    if args.step == "build":
        from bench.dataset import build

        result = build(kind=args.kind, demands=args.demands, towns=args.towns, force=args.force)
        result["prepared"] = prepare()
    else:
        result = intake(args.n)
    print("BENCH-JSON " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
