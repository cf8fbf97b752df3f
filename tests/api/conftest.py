"""A hotline wired to a closed-loop town: its API key, clients for the key and for each persona."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from lianxin.api.services import api_key_create


@dataclass
class Hotline:
    loop: Any
    key: Any  # the ApiKey row
    raw: str  # the plain key, as the hotline system holds it

    def client(self) -> APIClient:
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        return c


@pytest.fixture
def hotline(loop) -> Hotline:
    key, raw = api_key_create(town=loop.town, name="12345 热线")
    return Hotline(loop=loop, key=key, raw=raw)


@pytest.fixture
def as_user():
    """as_user(user) → an APIClient signed in with the pages' session."""

    def make(user: Any) -> APIClient:
        c = APIClient()
        c.force_login(user)
        return c

    return make
