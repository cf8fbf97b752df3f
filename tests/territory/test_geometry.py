import pytest

from lianxin.territory.selectors import cell_at

from ..factories import GridCellFactory, TownFactory, square


@pytest.mark.django_db
def test_a_point_is_found_in_its_cell_and_not_outside_the_grid():
    town = TownFactory()
    west = GridCellFactory(town=town, boundary=square(35.0, 113.0))
    east = GridCellFactory(town=town, boundary=square(35.0, 113.01))
    GridCellFactory(
        town=TownFactory(), boundary=square(35.0, 113.0)
    )  # another town's cell on the same ground
    assert cell_at(town_id=town.pk, lat=35.005, lng=113.005) == west
    assert cell_at(town_id=town.pk, lat=35.005, lng=113.015) == east
    assert cell_at(town_id=town.pk, lat=36.0, lng=113.0) is None
