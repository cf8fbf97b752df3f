"""Fixtures of the portal tests (defined in fixtures.py so the browser tests can use them too)."""

from .fixtures import media, portal_town, sms  # noqa: F401
