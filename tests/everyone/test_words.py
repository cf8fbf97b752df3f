"""Two things, two words (issue 26, point 20): the demand's tracking code (编号) and the four-digit PIN on the
slip of someone with no phone (查询密码). In Chinese no text about the PIN calls it 查询码 and no text about the
tracking code calls it 查询码 or 密码."""

from __future__ import annotations

import gettext as gnu
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

MO = Path(__file__).resolve().parents[2] / "lianxin" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


class Entry:
    def __init__(self, msgid: str, msgstr: str) -> None:
        self.msgid, self.msgstr = msgid, msgstr


def _entries() -> list[Entry]:
    """The compiled Chinese catalogue (what the pages show)."""
    with MO.open("rb") as f:
        catalog = gnu.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    return [Entry(k, v) for k, v in catalog.items() if isinstance(k, str) and k and v]


def test_the_pin_is_always_the_query_password():
    about_pin = [e for e in _entries() if "PIN" in e.msgid]
    assert len(about_pin) >= 4
    for e in about_pin:
        assert "查询密码" in e.msgstr, (e.msgid, e.msgstr)
        assert "查询码" not in e.msgstr.replace("查询密码", ""), (e.msgid, e.msgstr)


def test_the_tracking_code_is_never_called_a_query_code_or_password():
    about_code = [e for e in _entries() if "tracking code" in e.msgid.lower() and "PIN" not in e.msgid]
    assert len(about_code) >= 8
    for e in about_code:
        assert "查询码" not in e.msgstr and "密码" not in e.msgstr, (e.msgid, e.msgstr)


@pytest.mark.parametrize(
    ("msgid", "word"),
    [
        ("PIN", "查询密码"),
        ("Tracking code", "编号"),
        ("Last four digits of your phone (or the PIN on your slip)", "查询密码"),
    ],
)
def test_the_slip_and_the_tracking_form_read_so(msgid, word):
    with translation.override("zh-hans"):
        assert word in gettext(msgid)
