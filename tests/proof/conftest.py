"""The proof suite: every test here is marked ``proof``; `./dev proof` runs it and prints its figures."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/proof/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.proof)


from tests.portal.fixtures import media, portal_town, sms  # noqa: E402, F401  (the portal's town, media, SMS)
