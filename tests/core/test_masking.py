from hypothesis import given
from hypothesis import strategies as st

from lianxin.core.masking import mask_id_number, mask_name, mask_phone


def test_phone_keeps_prefix_and_last_four():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("") == ""


def test_name_keeps_family_name():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧***"


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("410724199001011234") == "410724********1234"


@given(st.text(alphabet="0123456789", min_size=8, max_size=20))
def test_masked_phone_never_shows_the_middle(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked[3:-4] == "*" * (len(phone) - 7)


@given(st.text(alphabet="0123456789X", min_size=11, max_size=18))
def test_masked_id_hides_the_birth_date(number):
    assert mask_id_number(number)[6:-4] == "*" * (len(number) - 10)
