"""The demo town reproduces DOMAIN.md's figures, and building it twice changes nothing."""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.core import serializers
from django.db.models import Count
from shapely.geometry import shape

from lianxin.accounts.models import User
from lianxin.accounts.roles import PERSON_ROLES, Role
from lianxin.core.models import Town
from lianxin.demo import data
from lianxin.demo.generator import generate
from lianxin.people.models import Agent, Department, Deputy, DeputyCell, Observer, ObserverKind
from lianxin.territory.models import GridCell, Station
from lianxin.territory.selectors import cell_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def chengguan(demo_town):
    return Town.objects.get(name="城关镇")


def test_grid_is_18_villages_and_3_communities(chengguan):
    counts = dict(GridCell.objects.filter(town=chengguan).values_list("kind").annotate(n=Count("id")))
    assert counts == {"village": 18, "community": 3}


def test_stations_follow_the_one_plus_n_pattern(chengguan):
    counts = dict(Station.objects.filter(town=chengguan).values_list("kind").annotate(n=Count("id")))
    assert counts["party_service_centre"] + counts["community_service_centre"] == 21
    assert counts["community_service_centre"] == 3
    assert counts["industry"] == 1
    assert counts["collection_point"] == 7
    assert counts["mediation"] >= 2  # the town centre and village rooms
    # every cell has exactly one centre window
    centres = Station.objects.filter(
        town=chengguan, kind__in=["party_service_centre", "community_service_centre"]
    )
    assert sorted(centres.values_list("cell__name", flat=True)) == sorted(
        GridCell.objects.filter(town=chengguan).values_list("name", flat=True)
    )


def test_87_deputies_at_four_levels_and_54_with_station_duty(chengguan):
    deputies = Deputy.objects.filter(town=chengguan)
    assert deputies.count() == 87
    assert set(deputies.values_list("level", flat=True)) == {"province", "city", "county", "township"}
    assert deputies.filter(duties__isnull=False).distinct().count() == 54
    assert not deputies.filter(cell_links__isnull=True).exists(), "every deputy serves a cell"
    assert not deputies.filter(lat__isnull=True).exists(), "every deputy is placed on the map"
    assert (
        DeputyCell.objects.filter(town=chengguan, voters__gt=0).count()
        == DeputyCell.objects.filter(town=chengguan).count()
    )
    for cell in GridCell.objects.filter(town=chengguan):
        assert cell.deputy_links.filter(is_primary=True).count() >= 2


def test_observers_of_every_kind_paired_within_their_cell(chengguan):
    observers = Observer.objects.filter(town=chengguan).select_related("deputy")
    assert set(observers.values_list("kind", flat=True)) == set(ObserverKind.values)
    for o in observers:
        assert o.deputy.cell_links.filter(cell_id=o.cell_id).exists(), f"{o} is paired outside their cell"


def test_agents_sit_at_collection_points(chengguan):
    agents = Agent.objects.filter(town=chengguan)
    assert agents.count() == 7
    assert set(agents.values_list("station__kind", flat=True)) == {"collection_point"}


def test_departments_named_in_the_domain_are_present(chengguan):
    shorts = set(Department.objects.filter(town=chengguan).values_list("short_name", flat=True))
    assert {"城管", "住建", "人社", "自然资源", "农业农村", "水利", "教育", "卫健", "民政", "公安"} <= shorts
    kinds = set(Department.objects.filter(town=chengguan).values_list("kind", flat=True))
    assert {"government", "supervisory", "court", "procuratorate"} <= kinds  # 一府一委两院


def test_cells_are_non_overlapping_polygons_around_huojia(chengguan):
    cells = list(GridCell.objects.filter(town=chengguan))
    shapes = [shape(c.boundary) for c in cells]
    assert all(s.is_valid and s.area > 0 for s in shapes)
    for a, b in itertools.combinations(shapes, 2):
        assert a.intersection(b).area < 1e-10
    lat, lng = data.HUOJIA_CENTRE
    for c in cells:
        assert abs(c.centroid_lat - lat) < 0.05 and abs(c.centroid_lng - lng) < 0.06
        assert cell_at(town_id=chengguan.pk, lat=c.centroid_lat, lng=c.centroid_lng) == c


def test_one_login_per_role(demo_town, chengguan):
    users = User.objects.filter(username__in=[u for u, _, _ in data.ROLE_LOGINS])
    assert sorted(users.values_list("role", flat=True)) == sorted(PERSON_ROLES)
    assert len(demo_town.logins) == len(PERSON_ROLES)
    deputy = users.get(role=Role.DEPUTY)
    assert deputy.deputy.town == chengguan
    assert users.get(role=Role.OBSERVER).observer.town == chengguan
    assert users.get(role=Role.AGENT).agent.town == chengguan
    assert users.get(role=Role.DEPARTMENT).department_staff.department.short_name == "城管"
    assert users.get(username="presidium").check_password(data.DEMO_PASSWORD)


def _snapshot() -> str:
    rows = []
    for label in ("core", "accounts", "territory", "people", "demands", "notify", "board"):
        for model in apps.get_app_config(label).get_models():
            rows.extend(model.objects.order_by("pk"))
    return serializers.serialize("json", rows)


def test_running_the_generator_twice_changes_nothing(demo_town):
    before = _snapshot()
    stats = generate()
    assert (stats.created, stats.updated) == (0, 0)
    assert _snapshot() == before


def test_scale_makes_a_county_of_towns(demo_town):
    stats = generate(scale=2)
    assert stats.created > 0
    towns = Town.objects.filter(county__code=data.COUNTY[0])
    assert towns.count() == 2
    for town in towns:
        assert Deputy.objects.filter(town=town).count() == 87
        assert GridCell.objects.filter(town=town).count() == 21
    # towns of one county never share ground
    a, b = (shape(GridCell.objects.filter(town=t).first().boundary) for t in towns)
    assert a.intersection(b).area == 0
