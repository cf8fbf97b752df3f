"""Integrity lives in the database: each constraint below is hit directly and must refuse the row."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.people.models import Deputy, DeputyCell, Observer, StationDuty
from lianxin.territory.models import GridCell, Station

from ..factories import (
    AgentFactory,
    DepartmentFactory,
    DeputyFactory,
    GridCellFactory,
    ObserverFactory,
    StationFactory,
    TownFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "factory",
    [GridCellFactory, StationFactory, DepartmentFactory, DeputyFactory, ObserverFactory, AgentFactory],
    ids=lambda f: f._meta.model.__name__,
)
def test_names_are_unique_per_town_but_may_repeat_across_towns(factory):
    first = factory()
    assert refused(lambda: factory(town=first.town, name=first.name))
    elsewhere = factory(town=TownFactory(), name=first.name)
    assert elsewhere.pk and elsewhere.town_id != first.town_id


def test_cell_code_unique_per_town():
    cell = GridCellFactory()
    assert refused(lambda: GridCellFactory(town=cell.town, code=cell.code))


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (GridCell, "kind", "hamlet"),
        (Station, "kind", "kiosk"),
        (Deputy, "level", "national"),
        (Deputy, "gender", "X"),
        (Observer, "kind", "journalist"),
        (User, "role", "emperor"),
    ],
)
def test_invalid_choice_is_refused_by_the_database(model, field, value):
    factory = {
        GridCell: GridCellFactory,
        Station: StationFactory,
        Deputy: DeputyFactory,
        Observer: ObserverFactory,
        User: UserFactory,
    }[model]
    obj = factory()
    # update() bypasses model validation entirely, so only the database can say no.
    assert refused(lambda: model.objects.filter(pk=obj.pk).update(**{field: value}))


def test_centre_station_must_name_its_cell():
    station = StationFactory()
    assert refused(lambda: Station.objects.filter(pk=station.pk).update(cell=None))
    StationFactory(kind="industry", cell=None, town=station.town)  # other kinds may stand outside a cell


def test_town_role_needs_a_town_and_county_viewer_a_county():
    assert refused(lambda: UserFactory(role=Role.DEPUTY, town=None))
    assert refused(lambda: UserFactory(role=Role.COUNTY_VIEWER, town=None, county=None))
    admin = UserFactory(role=Role.SYSTEM_ADMIN, town=None)
    assert admin.pk


class TestSameTown:
    """A pairing or link must stay inside one town, on insert and on update."""

    def test_observer_paired_with_deputy_of_another_town_is_refused(self):
        observer = ObserverFactory()
        stranger = DeputyFactory(town=TownFactory())
        assert refused(lambda: Observer.objects.filter(pk=observer.pk).update(deputy=stranger))
        assert refused(
            lambda: Observer.objects.create(
                town=observer.town, name="跨镇观察员", kind="grid_worker", deputy=stranger, cell=observer.cell
            )
        )

    def test_observer_cell_must_be_of_its_town(self):
        observer = ObserverFactory()
        foreign_cell = GridCellFactory(town=TownFactory())
        assert refused(lambda: Observer.objects.filter(pk=observer.pk).update(cell=foreign_cell))

    def test_station_cell_must_be_of_its_town(self):
        station = StationFactory()
        assert refused(
            lambda: Station.objects.filter(pk=station.pk).update(cell=GridCellFactory(town=TownFactory()))
        )

    def test_deputy_links_stay_in_town(self):
        deputy = DeputyFactory()
        foreign_cell = GridCellFactory(town=TownFactory())
        foreign_station = StationFactory(town=foreign_cell.town)
        assert refused(lambda: DeputyCell.objects.create(town=deputy.town, deputy=deputy, cell=foreign_cell))
        assert refused(
            lambda: StationDuty.objects.create(
                town=deputy.town, deputy=deputy, station=foreign_station, since="2024-01-01"
            )
        )

    def test_account_of_another_town_cannot_be_linked(self):
        deputy = DeputyFactory()
        stranger = UserFactory(role=Role.DEPUTY, town=TownFactory())
        assert refused(lambda: Deputy.objects.filter(pk=deputy.pk).update(user=stranger))
        same = UserFactory(role=Role.DEPUTY, town=deputy.town)
        Deputy.objects.filter(pk=deputy.pk).update(user=same)
        assert Deputy.objects.get(pk=deputy.pk).user == same

    def test_pairing_within_town_is_accepted(self):
        observer = ObserverFactory()
        other = DeputyFactory(town=observer.town)
        Observer.objects.filter(pk=observer.pk).update(deputy=other)
        assert Observer.objects.get(pk=observer.pk).deputy == other
