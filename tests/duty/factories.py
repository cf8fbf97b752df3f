"""Factories and a small duty town for the duty tests (built on tests/factories.py and tests/loop.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from lianxin.accounts.roles import Role
from lianxin.duty.models import Shift

from ..factories import DeputyFactory, ObserverFactory, StationFactory, UserFactory
from ..loop import Loop


def local(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


class ShiftFactory(DjangoModelFactory):
    class Meta:
        model = Shift

    town = factory.SubFactory("tests.factories.TownFactory")
    station = factory.SubFactory(StationFactory, town=factory.SelfAttribute("..town"))
    deputy = factory.SubFactory(DeputyFactory, town=factory.SelfAttribute("..town"))
    starts_at = factory.LazyFunction(lambda: local(2026, 3, 10, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))


@dataclass
class DutyTown:
    """The closed-loop town (``tests/loop.py``) plus a station, an observer paired with the loop's deputy,
    and a second deputy with an account."""

    loop: Loop
    station: Any
    observer: Any
    deputy: Any  # the loop deputy's Deputy row
    other: Any  # the other deputy's Deputy row

    @classmethod
    def build(cls) -> DutyTown:
        loop = Loop.build()
        deputy = loop.deputy.deputy
        return cls(
            loop=loop,
            station=StationFactory(town=loop.town, cell=loop.cell),
            observer=ObserverFactory(town=loop.town, deputy=deputy, cell=loop.cell),
            deputy=deputy,
            other=loop.other_deputy.deputy,
        )

    def shift(self, starts_at: dt.datetime, hours: int = 3, deputy: Any = None) -> Shift:
        return ShiftFactory(
            town=self.loop.town,
            station=self.station,
            deputy=deputy or self.deputy,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=hours),
        )


def presidium_of(town: Any) -> Any:
    return UserFactory(role=Role.PRESIDIUM, town=town)


__all__ = ["DeputyFactory", "DutyTown", "ObserverFactory", "ShiftFactory", "local", "presidium_of"]
