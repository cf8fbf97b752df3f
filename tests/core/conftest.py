"""Fixtures of other folders that the security tests here use: the portal's town, photos and SMS, and the
hotline's API key."""

from tests.api.conftest import hotline  # noqa: F401
from tests.portal.fixtures import media, portal_town, sms  # noqa: F401
