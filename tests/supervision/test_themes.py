"""Themed supervision (专题督导): each move and its refused roles; the outcome and the standing mechanism."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from lianxin.core.workflow import TransitionError
from lianxin.supervision import services
from lianxin.supervision.models import Theme
from lianxin.supervision.workflow import THEMES

from .test_workflows import PERSONAS, _who

pytestmark = pytest.mark.django_db


def _call(action: str, sup: Any, theme: Theme, actor: Any) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "link_demands": lambda: services.theme_link_demands(
            theme=theme, actor=actor, demands=[sup.loop.recorded(title="垃圾清运不及时")]
        ),
        "begin": lambda: services.theme_begin(theme=theme, actor=actor, deputies=[sup.loop.deputy.deputy]),
        "inspect_theme": lambda: services.inspection_record(
            theme=theme, actor=actor, on=dt.date(2026, 6, 2), findings="河道两侧垃圾堆积",
            deputies=[sup.loop.other_deputy.deputy],
        ),
        "finish": lambda: services.theme_finish(
            theme=theme, actor=actor, outcome="三天清运完毕", mechanism="城管、住建与邻镇联合巡查,每月一次",
            tonnes_cleared=23, problems_solved=6,
        ),
    }  # fmt: skip
    return calls[action]()


CASES: dict[str, tuple[str, str, set[str]]] = {
    "link_demands": ("launched", "planned", {"deputy", "other_deputy", "presidium"}),
    "begin": ("launched", "underway", {"presidium"}),
    "inspect_theme": ("begun", "underway", {"deputy", "other_deputy", "presidium"}),
    "finish": ("begun", "concluded", {"presidium"}),
}


def test_every_move_has_a_case():
    assert set(THEMES.moves) == set(CASES)


@pytest.mark.parametrize("action", sorted(CASES))
def test_theme_move(sup, outsider, action):
    state, after, allowed = CASES[action]
    theme = getattr(sup, state)()
    for persona in sorted(set(PERSONAS) - allowed):
        with pytest.raises(PermissionDenied):
            _call(action, sup, theme, _who(sup, persona, outsider))
    for persona in sorted(allowed):
        theme = getattr(sup, state)()
        _call(action, sup, theme, _who(sup, persona, outsider))
        theme.refresh_from_db()
        assert theme.status == after, persona
        assert theme.events.filter(action=action).exists()


def test_no_conclusion_before_it_begins_nor_without_a_mechanism(sup, loop):
    with pytest.raises(TransitionError):
        _call("finish", sup, sup.launched(), loop.presidium)
    with pytest.raises(ValidationError):
        services.theme_finish(theme=sup.begun(), actor=loop.presidium, outcome="完成", mechanism=" ")


def test_the_database_refuses_a_concluded_theme_without_a_mechanism(sup):
    theme = sup.begun()
    with pytest.raises(IntegrityError):
        Theme.objects.filter(pk=theme.pk).update(status="concluded", mechanism="")


def test_the_outcome_shows_on_its_page(sup, loop, client):
    theme = sup.begun()
    _call("finish", sup, theme, loop.presidium)
    client.force_login(loop.other_deputy)
    page = client.get(f"/supervision/themes/{theme.pk}/").content.decode()
    assert 'data-figure="tonnes">23.0<' in page and "联合巡查" in page
