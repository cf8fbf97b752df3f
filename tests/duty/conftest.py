import pytest

from .factories import DutyTown


@pytest.fixture
def duty(db):
    return DutyTown.build()
