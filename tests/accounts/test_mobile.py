import pytest
from django.core.exceptions import ValidationError

from lianxin.accounts.services import clean_mobile


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_mobile_numbers_are_stored_as_ascii_digits(typed, stored):
    assert clean_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["1391234567", "23912345678", "١٣٩١٢٣٤٥٦٧٨", ""])
def test_what_is_not_a_mainland_mobile_is_refused(typed):
    with pytest.raises(ValidationError):
        clean_mobile(typed)
