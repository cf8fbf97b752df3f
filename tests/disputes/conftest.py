import pytest


@pytest.fixture
def ledger(db):
    from .factories import Ledger

    return Ledger.build()
