"""Validators for the identifiers every form and import checks, with messages in Chinese.

- 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17.
- 公民身份号码 (GB 11643-1999): 17 digits and a check digit (ISO 7064 MOD 11-2), a real birth date.
- Mainland mobile numbers: 11 digits starting 13–19.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from .text import describe, fold_width

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only: \d matches every script's


def normalize_code(value: str) -> str:
    """Full-width forms folded to ASCII, spaces stripped, ASCII letters upper-cased, as people paste
    codes from Excel and WeChat. Any other character is kept (not upper-cased: "ß" would become "SS")
    for the validator to refuse: superscripts and other scripts' digits are not digits of a code."""
    code = re.sub(r"\s+", "", fold_width(str(value or "")))
    return "".join(c.upper() if c.isascii() else c for c in code)


def _non_ascii(value: str) -> str:
    """The characters of ``value`` outside ASCII (printable ones as they are, others by code point)."""
    return "、".join(dict.fromkeys(c if c.isprintable() else describe(c) for c in value if not c.isascii()))


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalize_code(value)
    if not code.isascii():
        raise ValidationError(
            "统一社会信用代码只能由数字和大写字母组成，含有不允许的字符：%(chars)s",
            code="credit_chars",
            params={"chars": _non_ascii(code)},
        )
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(n)d位", code="credit_length", params={"n": len(code)}
        )
    bad = sorted({c for c in code if c not in CREDIT_CHARSET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）",
            code="credit_chars",
            params={"chars": "".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3–8位应为行政区划码（数字）", code="credit_region")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入", code="credit_check")


def id_number_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str, today: dt.date | None = None) -> None:
    number = normalize_code(value)
    if not number.isascii():
        raise ValidationError(
            "身份证号只能由数字0–9和X组成，含有不允许的字符：%(chars)s",
            code="id_chars",
            params={"chars": _non_ascii(number)},
        )
    if len(number) != 18:
        raise ValidationError("身份证号应为18位，当前为%(n)d位", code="id_length", params={"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号前17位应为数字，最后一位为数字或X", code="id_chars")
    birth = id_number_birth_date(number)
    today = today or timezone.localdate()  # the district's date, not the server process's
    if birth is None or birth > today or birth.year < 1900:
        raise ValidationError("身份证号中的出生日期无效", code="id_birth")
    if id_number_check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确，请核对后重新输入", code="id_check")


def validate_mobile(value: str) -> None:
    phone = normalize_mobile(value)
    if not MOBILE_RE.match(phone):
        raise ValidationError("请输入11位手机号码（1开头）", code="mobile")


def normalize_mobile(value: str) -> str:
    """Full-width digits folded, spaces and dashes stripped, +86 dropped; other scripts' digits kept
    for ``validate_mobile`` to refuse."""
    phone = re.sub(r"[\s-]", "", fold_width(str(value or "")))
    return phone[3:] if phone.startswith("+86") else phone
