"""WeChat's built-in browser (微信内置浏览器): the town's official account links its menu to the citizen pages,
which open there. They work as in any phone browser (location through the browser's API, forms posted as
usual), except that WeChat does not download files: where a page offers a download, a visitor inside WeChat
is told to open the page in the phone's browser (``templates/_wechat_hint.html``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

MARK = "micromessenger"  # in WeChat's user agent: "… MicroMessenger/8.0.49.2600(0x28003133) …"


def in_wechat(request: HttpRequest) -> bool:
    return MARK in request.META.get("HTTP_USER_AGENT", "").lower()


def context(request: HttpRequest) -> dict[str, Any]:
    """``in_wechat`` for the templates (a context processor)."""
    return {"in_wechat": in_wechat(request)}
