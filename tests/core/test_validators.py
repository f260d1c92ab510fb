import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fugong.core import fake
from fugong.core.validators import (
    CREDIT_CHARSET,
    credit_code_check_char,
    id_number_check_digit,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

# Published examples: a real business licence code and the GB 11643 standard's own sample.
KNOWN_CREDIT_CODE = "91350100M000100Y43"
KNOWN_ID_NUMBER = "11010519491231002X"


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_known_codes_are_valid():
    validate_credit_code(KNOWN_CREDIT_CODE)
    validate_id_number(KNOWN_ID_NUMBER)
    assert credit_code_check_char(KNOWN_CREDIT_CODE[:17]) == "3"
    assert id_number_check_digit(KNOWN_ID_NUMBER[:17]) == "X"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91350100M000100Y44", "统一社会信用代码校验位不正确"),
        ("91350100M000100Y4", "统一社会信用代码应为18位，当前为17位"),
        ("91350100M0001O0Y43", "不允许的字符：O"),
        ("9135A100M000100Y43", "第3–8位应为行政区划码"),
        ("", "统一社会信用代码应为18位，当前为0位"),
    ],
)
def test_wrong_credit_codes_get_chinese_messages(code, expected):
    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code(code)
    assert expected in messages(exc_info)


def test_credit_code_is_normalized_before_checking():
    validate_credit_code(" 91350100m000100y43 ")


@given(st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
def test_any_code_with_its_check_char_is_valid(first17):
    validate_credit_code(first17 + credit_code_check_char(first17))


@given(
    st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()),
    st.sampled_from(CREDIT_CHARSET),
)
def test_any_other_check_char_is_rejected(first17, char):
    if char == credit_code_check_char(first17):
        return
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(first17 + char)


@given(st.integers(0, 9_999_998))
def test_fake_credit_codes_are_valid_and_distinct(seq):
    code = fake.credit_code(seq)
    validate_credit_code(code)
    assert code != fake.credit_code(seq + 1)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("110105194912310021", "校验位不正确"),
        ("11010519491331002X", "出生日期无效"),  # month 13
        ("11010519490230002X", "出生日期无效"),  # 30 February
        ("1101051949123100", "应为18位，当前为16位"),
        ("11010519491231002Y", "最后一位为数字或X"),
    ],
)
def test_wrong_id_numbers_get_chinese_messages(number, expected):
    with pytest.raises(ValidationError) as exc_info:
        validate_id_number(number)
    assert expected in messages(exc_info)


def test_id_number_born_in_the_future_is_rejected():
    first17 = "500109" + "20990101" + "001"
    with pytest.raises(ValidationError, match="出生日期无效"):
        validate_id_number(first17 + id_number_check_digit(first17), today=dt.date(2020, 3, 1))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 1, 1)), st.integers(0, 999))
def test_any_real_birth_date_with_check_digit_is_valid(birth, seq):
    validate_id_number(fake.id_number(seq, birth))


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 1, 1)),
    st.integers(0, 999),
    st.sampled_from("0123456789X"),
)
def test_a_changed_check_digit_is_always_caught(birth, seq, digit):
    number = fake.id_number(seq, birth)
    if digit == number[-1]:
        return
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number(number[:17] + digit)


@pytest.mark.parametrize("phone", ["13800138000", "199 0000 1111", "+8615012345678", "17712345678"])
def test_mainland_mobiles_are_accepted(phone):
    validate_mobile(phone)


@pytest.mark.parametrize(
    "phone", ["12800138000", "1380013800", "138001380001", "023-68861234", "abcdefghijk", ""]
)
def test_other_numbers_are_rejected_in_chinese(phone):
    with pytest.raises(ValidationError, match="请输入11位手机号码"):
        validate_mobile(phone)
