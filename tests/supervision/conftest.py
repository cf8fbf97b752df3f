import pytest

from .factories import Sup


@pytest.fixture
def sup(loop):
    return Sup(loop)
