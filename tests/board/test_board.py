"""The public board: automatic redaction, the presidium's edit and publication, what the public sees."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianxin.board import services
from lianxin.board.models import Publication
from lianxin.board.redaction import redact
from tests.loop import Loop

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("请联系13912345678", "13912345678"),
        ("电话 139-1234-5678 找我", "139-1234-5678"),
        ("+86 139 1234 5678", "139 1234 5678"),
        ("座机0373-5551234", "5551234"),
        ("身份证410724199001011234", "410724199001011234"),
        ("身份证41072419900101123X", "41072419900101123X"),
        ("户号 88776655", "88776655"),
    ],
)
def test_redaction_removes_numbers(text, gone):
    assert gone not in redact(text)


def test_redaction_removes_names_and_the_consent_line():
    out = redact("【本人同意:由代办员周大姐代为登记】\n王秀英家门口的路灯坏了,王**说很久了", names=["王秀英"])
    assert "王秀英" not in out and "周大姐" not in out and "王**" not in out
    assert "路灯坏了" in out


def test_the_draft_takes_out_the_requesters_name_and_phone():
    loop = Loop.build()
    demand = loop.completed(description="我是李小花,电话13900001234,村口积水", requester_name="李小花")
    draft = services.publication_draft(demand)
    assert "李小花" not in draft["text"] and "13900001234" not in draft["text"]
    assert draft["result"] == "已疏通"


def test_the_presidium_publishes_and_the_text_is_redacted_again():
    loop = Loop.build()
    demand = loop.completed()
    pub = services.publication_save(
        demand=demand,
        actor=loop.presidium,
        title="村口积水",
        text="积水已排,联系人李小花 13900001234",
        result="已疏通",
        published=True,
    )
    assert pub.published and pub.published_at
    assert "13900001234" not in pub.text and "李小花" not in pub.text


def test_only_the_presidium_of_the_town_publishes():
    loop = Loop.build()
    demand = loop.completed()
    for actor in (loop.deputy, loop.staff, loop.citizen, Loop.build().presidium):
        with pytest.raises(PermissionDenied):
            services.publication_save(
                demand=demand, actor=actor, title="t", text="x", result="", published=True
            )


def test_a_recorded_demand_cannot_be_published():
    loop = Loop.build()
    demand = loop.recorded()
    with pytest.raises(ValidationError):
        services.publication_save(
            demand=demand, actor=loop.presidium, title="t", text="x", result="", published=True
        )


def test_the_redact_page_publishes_to_the_public_board(client):
    loop = Loop.build()
    demand = loop.completed(requester_name="李小花", description="李小花反映:村口积水,电话13900001234")
    client.force_login(loop.presidium)
    queue = client.get(reverse("board:queue")).content.decode()
    assert demand.code in queue
    page = client.get(reverse("board:redact", args=[demand.code])).content.decode()
    assert "13900001234" in page  # the presidium reads the original
    r = client.post(
        reverse("board:redact", args=[demand.code]),
        {"title": "村口积水", "text": "某某反映:村口积水", "result": "已疏通", "action": "publish"},
    )
    assert r.status_code == 302
    client.logout()
    board = client.get(reverse("portal:board", args=[loop.town.code])).content.decode()
    assert "某某反映:村口积水" in board and "已疏通" in board
    assert "李小花" not in board and "13900001234" not in board and demand.code not in board


def test_a_draft_or_withdrawn_item_is_not_public(client):
    loop = Loop.build()
    demand = loop.completed()
    services.publication_save(
        demand=demand, actor=loop.presidium, title="草稿标题", text="草稿", result="", published=False
    )
    assert "草稿标题" not in client.get(reverse("portal:board", args=[loop.town.code])).content.decode()


def test_the_redact_pages_are_for_the_presidium_of_the_town(client):
    loop = Loop.build()
    demand = loop.completed()
    client.force_login(loop.deputy)
    assert client.get(reverse("board:queue")).status_code == 403
    client.force_login(Loop.build().presidium)
    assert client.get(reverse("board:redact", args=[demand.code])).status_code == 404


def test_the_board_filters_by_cell_category_and_stage(client):
    loop = Loop.build()
    done = loop.completed()
    going = loop.assigned(category=loop.category)
    for d, title in ((done, "已办事项"), (going, "在办事项")):
        services.publication_save(
            demand=d, actor=loop.presidium, title=title, text="内容", result="", published=True
        )
    url = reverse("portal:board", args=[loop.town.code])
    page = client.get(url).content.decode()
    assert "已办事项" in page and "在办事项" in page
    assert "在办事项" not in client.get(url + "?stage=done").content.decode()
    assert "已办事项" not in client.get(url + "?stage=in_progress").content.decode()
    assert (
        "已办事项" in client.get(url + f"?cell={loop.cell.pk}&category={loop.category.pk}").content.decode()
    )
    assert Publication.objects.filter(published=True).count() == 2
