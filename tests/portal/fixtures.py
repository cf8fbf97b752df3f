"""Fixtures of the portal tests: a town with stations, deputies, an agent and an observer; photos; SMS."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from lianxin.accounts.roles import Role
from lianxin.notify.channels import backend
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ObserverFactory,
    StationDutyFactory,
    StationFactory,
    UserFactory,
)
from tests.loop import Loop

from . import sms as sms_module


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.portal.sms.MemorySMSBackend"
    backend.cache_clear()
    sms_module.SENT.clear()
    yield sms_module
    backend.cache_clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class PortalTown:
    loop: Loop
    station: Any
    collection_point: Any
    agent: Any  # User, role agent
    observer: Any  # User, role observer
    second_category: Any

    @property
    def town(self) -> Any:
        return self.loop.town


@pytest.fixture
def portal_town(db, sms, media) -> PortalTown:
    loop = Loop.build()
    town = loop.town
    station = StationFactory(town=town, cell=loop.cell, opening_hours="周一至周五 9:00-17:00")
    StationDutyFactory(town=town, station=station, deputy=loop.deputy.deputy, schedule="每周三上午")
    point = StationFactory(town=town, cell=loop.cell, collection_point=True, name="幸福邻里小院")
    agent_user = UserFactory(role=Role.AGENT, town=town)
    AgentFactory(town=town, station=point, user=agent_user, name="代办员周大姐", phone="13700007777")
    observer_user = UserFactory(role=Role.OBSERVER, town=town)
    ObserverFactory(
        town=town,
        cell=loop.cell,
        deputy=loop.deputy.deputy,
        user=observer_user,
        name="观察员吴师傅",
        phone="13600006666",
    )
    return PortalTown(
        loop=loop,
        station=station,
        collection_point=point,
        agent=agent_user,
        observer=observer_user,
        second_category=CategoryFactory(town=town, name="道路交通"),
    )


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera make, as a phone would send."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90°
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (35.0, 15.0, 36.0)
    gps[3] = "E"
    gps[4] = (113.0, 39.0, 36.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()
