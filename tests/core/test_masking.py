from hypothesis import given
from hypothesis import strategies as st

from fugong.core.masking import mask_id_number, mask_name, mask_phone


def test_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_id_number_keeps_first_four_and_last_four():
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_names_keep_first_and_last_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"


def test_empty_values_stay_empty():
    assert mask_phone("") == mask_id_number(None) == mask_name("") == ""


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_masked_phone_never_shows_the_middle_digits(phone):
    masked = mask_phone(phone)
    assert len(masked) == 11
    assert masked[3:7] == "****"


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_masked_id_hides_the_birth_date(number):
    masked = mask_id_number(number)
    assert masked[4:14] == "*" * 10
    assert number[6:14] not in masked[4:]
