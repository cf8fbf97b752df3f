"""factory_boy factories with intent names. Every town-owned factory takes its town from its parents."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core.models import County, Town
from lianxin.people.models import Agent, Department, Deputy, DeputyCell, Observer, ObserverKind, StationDuty
from lianxin.territory.models import CellKind, GridCell, Station, StationKind


def square(lat: float, lng: float, d: float = 0.01) -> dict:
    ring = [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"测试县{n}")


class TownFactory(DjangoModelFactory):
    class Meta:
        model = Town

    county = factory.SubFactory(CountyFactory)
    # A tracking code starts with the town code's last three characters; "9xx" keeps a test town's codes
    # from reading as mobile numbers (1[3-9]…), which the personal-data scans would flag (issue 10).
    code = factory.Sequence(lambda n: f"T{n:04d}9{n % 100:02d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    centre_lat = 35.26
    centre_lng = 113.66


class GridCellFactory(DjangoModelFactory):
    class Meta:
        model = GridCell

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"第{n}村")
    code = factory.Sequence(lambda n: f"G{n:05d}")
    kind = CellKind.VILLAGE
    boundary = factory.LazyFunction(lambda: square(35.26, 113.66))
    centroid_lat = 35.265
    centroid_lng = 113.665


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"第{n}联络站")
    kind = StationKind.PARTY_SERVICE_CENTRE
    cell = factory.SubFactory(GridCellFactory, town=factory.SelfAttribute("..town"))

    class Params:
        collection_point = factory.Trait(kind=StationKind.COLLECTION_POINT)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"第{n}部门")
    short_name = factory.Sequence(lambda n: f"部门{n}")


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = "M"
    level = "township"
    phone = "13912345678"


class DeputyCellFactory(DjangoModelFactory):
    class Meta:
        model = DeputyCell

    town = factory.SubFactory(TownFactory)
    deputy = factory.SubFactory(DeputyFactory, town=factory.SelfAttribute("..town"))
    cell = factory.SubFactory(GridCellFactory, town=factory.SelfAttribute("..town"))
    is_primary = True


class StationDutyFactory(DjangoModelFactory):
    class Meta:
        model = StationDuty

    town = factory.SubFactory(TownFactory)
    deputy = factory.SubFactory(DeputyFactory, town=factory.SelfAttribute("..town"))
    station = factory.SubFactory(StationFactory, town=factory.SelfAttribute("..town"))
    since = dt.date(2024, 1, 8)


class ObserverFactory(DjangoModelFactory):
    class Meta:
        model = Observer

    town = factory.SubFactory(TownFactory)
    deputy = factory.SubFactory(DeputyFactory, town=factory.SelfAttribute("..town"))
    cell = factory.SubFactory(GridCellFactory, town=factory.SelfAttribute("..town"))
    name = factory.Sequence(lambda n: f"观察员{n}")
    kind = ObserverKind.GRID_WORKER
    phone = "13800001111"


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = Agent

    town = factory.SubFactory(TownFactory)
    station = factory.SubFactory(StationFactory, town=factory.SelfAttribute("..town"), collection_point=True)
    name = factory.Sequence(lambda n: f"代办员{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITIZEN
    town = factory.SubFactory(TownFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-12345!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- the closed loop ------------------------------------------------------------------------------
from lianxin.demands.models import Category, Demand  # noqa: E402
from lianxin.people.models import DepartmentStaff  # noqa: E402


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    town = factory.SubFactory(TownFactory)
    domain = "public"
    name = factory.Sequence(lambda n: f"类别{n}")


class DemandFactory(DjangoModelFactory):
    """A demand on the problem list, written directly; use the ``loop`` fixture for later states."""

    class Meta:
        model = Demand

    town = factory.SubFactory(TownFactory)
    code = factory.Sequence(lambda n: f"TST{n:07d}")
    channel = "station"
    category = factory.SubFactory(CategoryFactory, town=factory.SelfAttribute("..town"))
    title = factory.Sequence(lambda n: f"路灯不亮{n}")
    description = "村口路灯坏了一个月"
    requester_name = "张三丰"
    requester_phone = "13812345678"


class DepartmentStaffFactory(DjangoModelFactory):
    class Meta:
        model = DepartmentStaff

    town = factory.SubFactory(TownFactory)
    department = factory.SubFactory(DepartmentFactory, town=factory.SelfAttribute("..town"))
    user = factory.SubFactory(UserFactory, role="department", town=factory.SelfAttribute("..town"))
