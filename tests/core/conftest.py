"""The portal's town, photos and SMS fixtures serve the security tests of uploads and media too."""

from tests.portal.fixtures import media, portal_town, sms  # noqa: F401
