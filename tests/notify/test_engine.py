"""The one notice engine: a table registered as data reaches people and groups, in each one's language,
citizens through their own page's link, on the channels the table names; and notify knows no domain app."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import kit as kits
from lianxin.core.events import DomainEvent
from lianxin.core.notices import CITIZEN, Citizen, CitizenLink, Group, Notice, NoticeTable
from lianxin.notify.engine import tell
from lianxin.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

DOMAIN_APPS = [
    "demands",
    "disputes",
    "supervision",
    "tracking",
    "people",
    "territory",
    "insight",
    "duty",
    "board",
    "intake",
    "portal",
    "api",
]


class Toy(models.TextChoices):
    CLOSE = "close", "close"
    QUIET = "quiet", "quiet"


class OtherToy(models.TextChoices):
    CLOSE = "close", "close"  # the same value as Toy.CLOSE, another workflow


def _table(ctx):
    return NoticeTable(
        name="toy",
        notices={
            Toy.CLOSE: (
                Notice(("people",), _("Demand %(code)s is closed. Thank you."), channels=("sms",)),
                Notice((CITIZEN,), _("Demand %(code)s is closed. Thank you."), lambda e: "谢谢"),
                Notice(("people",), "never", when=lambda e: False),
            )
        },
        audiences={"people": lambda e: [ctx.alone, Group("department", 1, tuple(ctx.group))]},
        facts=lambda e: {"code": "LX-1"},
        link=lambda e: "/staff/page/",
        citizens=lambda e: [Citizen(None, "13900009999", ctx.town), Citizen(ctx.citizen, "", ctx.town)],
    )


@pytest.fixture
def toy(town, persona):
    ctx = SimpleNamespace(town=town)
    ctx.alone = persona("deputy", phone="13900000001", language="en")
    ctx.group = [persona("department", phone="13900000002"), persona("department"), ctx.alone]
    ctx.citizen = persona("citizen", language="en")
    app = kits.kit("toy_notices")
    app.add("notices", _table(ctx))
    app.add("links", CitizenLink(on="core.Town", url=lambda t: f"https://lx.example.cn/mine/{t.code}/"))
    yield ctx
    kits._KITS.pop("toy_notices")


def _publish(kind, town, actor=None):
    """The engine as the event bus calls it, inside the change's transaction (a toy subject: no audit row)."""
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with transaction.atomic():
        tell(DomainEvent(kind=kind, subject=SimpleNamespace(town_id=town.pk), actor=actor, at=timezone.now()))
    return OutboxMessage.objects.exclude(pk__in=before)


def test_a_registered_table_reaches_people_and_groups_each_in_their_language(toy):
    told = _publish(Toy.CLOSE, toy.town)
    inapp = told.filter(channel="inapp", url="/staff/page/")
    by_language = {row.subject: sorted(row.recipient_ids) for row in inapp}
    assert (
        by_language
        == {
            "Demand LX-1 is closed. Thank you.": [toy.alone.pk],  # the account chose English
            "诉求 LX-1 已办结销号，谢谢您。": sorted(u.pk for u in toy.group[:2]),  # the town's language
        }
    )
    # the group's members each once (the deputy is in the group too), texted where they have a phone
    texts = sorted(
        m.address for m in told.filter(channel="sms", user__isnull=False).exclude(url__contains="mine")
    )
    assert texts == ["13900000001", "13900000002"]
    assert not told.filter(subject="never").exists()


def test_citizens_get_their_own_link_in_the_towns_language(toy):
    """A citizen's account does not choose a language (issue 25: citizens get the town's)."""
    told = _publish(Toy.CLOSE, toy.town)
    link = f"https://lx.example.cn/mine/{toy.town.code}/"
    phoned = told.get(channel="sms", user=None)
    assert phoned.address == "13900009999" and phoned.body == f"谢谢 {link}" and phoned.url == link
    assert phoned.subject == "诉求 LX-1 已办结销号，谢谢您。"
    account = told.get(channel="inapp", user=toy.citizen)
    assert account.url == link and account.subject == "诉求 LX-1 已办结销号，谢谢您。"
    assert not told.filter(url="/staff/page/", user=toy.citizen).exists()


def test_the_actor_is_not_told_and_another_workflows_kind_of_the_same_value_is_not_read(toy):
    told = _publish(Toy.CLOSE, toy.town, actor=toy.alone)
    assert toy.alone.pk not in {pk for row in told.filter(channel="inapp") for pk in row.recipient_ids}
    assert not _publish(OtherToy.CLOSE, toy.town).exists()
    assert not _publish(Toy.QUIET, toy.town).exists()


def test_a_channel_nobody_registered_is_refused(toy, town):
    from lianxin.notify.services import messages

    with pytest.raises(KeyError):
        messages(town_id=town.pk, users=[toy.alone], subject="s", body="b", channels=("robot",))


def test_notify_imports_no_domain_app():
    root = Path(__file__).resolve().parents[2] / "lianxin" / "notify"
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found += [
                (path.name, n)
                for n in names
                if n.split(".")[:2][-1] in DOMAIN_APPS and n.startswith("lianxin.")
            ]
    assert found == []


def test_a_table_naming_an_audience_or_channel_it_cannot_reach_fails_the_start_up_check(toy):
    from lianxin.notify.engine import table_errors

    assert table_errors() == []
    kits.kit("toy_notices").add(
        "notices",
        NoticeTable(notices={Toy.QUIET: (Notice(("nobody", CITIZEN), "s", channels=("robot",)),)}),
    )
    errors = table_errors()
    assert len(errors) == 3 and all(e.startswith("toy_notices: quiet") for e in errors)
