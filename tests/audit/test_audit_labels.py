"""The audit page in the auditor's words (issue 26, point 7): every action code written anywhere has a label, the
role column is headed "角色", times are the town's, "User id" is translated, and each object is shown by its own
label, read for the whole page in a fixed number of queries."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianxin import audit
from lianxin.accounts import grants
from lianxin.accounts.roles import Role
from lianxin.audit import labels
from lianxin.audit.models import AuditEntry, Kind
from lianxin.demands.selectors import LISTS

ROOT = Path(__file__).resolve().parents[2] / "lianxin"
AUDIT_URL = "/admin/audit/auditentry/"

# The functions through which an entry is written, and the kind each writes when it is not given first.
WRITERS = {
    "record": None,
    "reveal": Kind.REVEAL,
    "_revealed": Kind.REVEAL,
    "parties_reveal": Kind.REVEAL,
    "answer": Kind.EXPORT,
    "export_answer": Kind.EXPORT,
    "_audited": Kind.EXPORT,
}
DEFAULTS = {Kind.REVEAL: "reveal"}  # ``audit.reveal.reveal(action="reveal")``


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _values(node: ast.expr) -> list[str] | None:
    """The codes an ``action=`` argument can take: constants, both sides of ``a if c else b``, an f-string
    over the demand lists; None for a name passed through (its writer is scanned where it is called)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return [*(_values(node.body) or []), *(_values(node.orelse) or [])]
    if isinstance(node, ast.JoinedStr):
        prefix = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if prefix == "xlsx:":
            return [f"xlsx:{kind}" for kind in LISTS]
        return [ast.unparse(node)]  # an f-string nobody taught the test: it fails, listing it
    return None


def written(source: str, path: str = "<source>") -> set[tuple[str, str]]:
    """Every (kind, action) the source writes to the audit trail."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Call) or _name(node.func) not in WRITERS:
            continue
        kind = WRITERS[_name(node.func)]
        if kind is None:
            if not node.args or not isinstance(node.args[0], ast.Attribute | ast.Name):
                continue
            first = _name(node.args[0]).lower()
            if first not in Kind.values:
                continue  # another function named ``record``
            kind = Kind(first)
        if kind == Kind.TRANSITION:
            continue  # labelled by its workflow's table (the next test)
        keyword = next((k for k in node.keywords if k.arg == "action"), None)
        if keyword is None:
            found.add((kind, DEFAULTS.get(kind, "")))
            continue
        for value in _values(keyword.value) or []:
            found.add((kind, value))
    return found


def written_everywhere() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= written(path.read_text(encoding="utf-8"), str(path))
    # an account change's action is the field changed (accounts/grants.py), an admin change's the log's flag
    fields = re.findall(r'field="(\w+)"', (ROOT / "accounts" / "grants.py").read_text(encoding="utf-8"))
    found |= {(Kind.ACCOUNT, f) for f in (*grants.RECORDED, *fields)}
    flags = re.search(r"flags = \{([^}]*)\}", (ROOT / "audit" / "receivers.py").read_text(encoding="utf-8"))
    assert flags is not None
    found |= {(Kind.ADMIN, f) for f in re.findall(r'"(\w+)"', flags.group(1))}
    return found


def test_every_action_code_written_anywhere_has_a_label():
    codes = written_everywhere()
    # the scan reaches the writers it must (so it cannot pass by finding nothing)
    for expected in [
        (Kind.SIGN_IN, "password"),
        (Kind.SIGN_IN, "sms"),
        (Kind.SIGN_IN_FAILED, "totp"),
        (Kind.SIGN_OUT, ""),
        (Kind.REVEAL, "agreement_printed"),
        (Kind.REVEAL, "reveal"),
        (Kind.EXPORT, "xlsx:problem"),
        (Kind.EXPORT, "my_data"),
        (Kind.ACCOUNT, "totp_enrolled"),
        (Kind.ACCOUNT, "password"),
        (Kind.ADMIN, "delete"),
        (Kind.RETENTION, "anonymise"),
    ]:
        assert expected in codes, expected
    missing = sorted(code for code in codes if labels.action_label(*code) is None)
    assert missing == []


def test_a_new_code_without_a_label_is_caught():
    source = (
        "from lianxin import audit\naudit.record(audit.EXPORT, action='csv')\nreveal(obj=x, action='id_card')"
    )
    codes = written(source)
    assert codes == {(Kind.EXPORT, "csv"), (Kind.REVEAL, "id_card")}
    assert [c for c in codes if labels.action_label(*c) is None]


def test_every_transition_of_every_workflow_has_a_label():
    actions = labels.transition_actions()
    assert ("demands.demand", "demands.claim") in actions and (
        "disputes.dispute",
        "disputes.clear_petition",
    ) in actions
    # the product's workflows (a test may register a toy one in the same process: not the product's)
    ours = {c.label for c in django_apps.get_app_configs() if c.name.startswith("lianxin.")}
    missing = [a for a in actions if a[0].split(".")[0] in ours and not labels.transition_label(*a)]
    assert missing == []


# --- the page ------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_page_speaks_the_auditors_words(client, persona, loop):
    demand = loop.claimed(title="村口路灯不亮")
    auditor = persona(Role.AUDIT_ADMIN, is_staff=True)
    audit.record(audit.SIGN_IN, user=loop.deputy, action="password")
    audit.record(audit.REVEAL, user=loop.presidium, obj=demand, action="phone", reason="回访")
    client.force_login(auditor)
    page = client.get(AUDIT_URL).content.decode()
    assert "角色" in page and "METHOD" not in page.upper().replace("METHOD=", "")
    assert "Get role display" not in page
    assert "用密码" in page and "电话号码完整显示" in page  # labels, not "password" / "phone"
    assert "诉求：接单" in page
    assert f"{demand.code} 村口路灯不亮" in page  # the object's own label
    # the change page: title and fields in the town's time, the account number translated
    entry = AuditEntry.objects.filter(kind=Kind.REVEAL).get()
    change = client.get(f"{AUDIT_URL}{entry.pk}/change/").content.decode()
    local = timezone.localtime(entry.at)
    assert f"{local:%Y-%m-%d %H:%M}" in change
    utc = entry.at.astimezone(dt.UTC)
    assert f"{utc:%Y-%m-%d %H:%M}" not in change
    assert "User id" not in change and "账号编号" in change
    assert f"{demand.code} 村口路灯不亮" in change


@pytest.mark.django_db
def test_the_objects_labels_take_the_same_queries_for_more_rows(client, persona, loop):
    from lianxin.duty import services as duty_services  # noqa: F401  (the duty app's models are loaded)

    auditor = persona(Role.AUDIT_ADMIN, is_staff=True)
    client.force_login(auditor)

    def add(n: int) -> None:
        for _i in range(n):
            demand = loop.recorded(title=f"诉求{_i}")
            audit.record(audit.REVEAL, user=loop.presidium, obj=demand, action="phone", reason="回访")

    add(2)
    client.get(AUDIT_URL)  # the session's first page writes what later pages do not
    with CaptureQueriesContext(connection) as few:
        assert client.get(AUDIT_URL).status_code == 200
    add(12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(AUDIT_URL)
    assert page.status_code == 200 and "诉求11" in page.content.decode()
    assert len(many) == len(few), "\n".join(q["sql"][:200] for q in many.captured_queries)
