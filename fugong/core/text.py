"""The one text policy of every input: the base form, the base API schema and the request guard.

- Unicode is normalised (NFKC): full-width letters and digits become ASCII, compatibility forms
  their plain letter, so one name is stored one way. Chinese punctuation stays as typed: the
  full-width comma, brackets and the ideographic space are the typography of Chinese text, not
  variants of ASCII.
- Control characters are refused (``\\n``, ``\\r`` and ``\\t`` only in multi-line fields), and so are
  the direction overrides and isolates (they make "甲乙" display as "乙甲": a record that lies about
  its own name), lone surrogates, line separators and the other format characters that have no
  business in an official record. ZWJ/ZWNJ stay allowed in free text (emoji and some scripts).
- A value must show something: one made only of spaces, zero-width and filler characters is refused.
- Every text field has a maximum length, its own or the default here.

Codes (ID numbers, credit codes, phones) have a stricter rule, in ``validators``: only their ASCII
alphabet, full-width forms folded first (:func:`fold_width`).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SINGLE_LINE_MAX = 200  # a text field that declares no limit of its own
MULTI_LINE_MAX = 20_000  # a textarea or a note that declares none (a notice body has 20,000)
HARD_CAP = 100_000  # the request guard: no parameter of any request, whatever the field

MULTI_LINE_CONTROLS = frozenset("\n\r\t")
DIRECTION_MARKS = frozenset(
    chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiner: emoji sequences, Indic scripts
SEPARATORS = frozenset("\u2028\u2029")  # line and paragraph separators break one-line displays
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_CATEGORIES = ("Z", "Cc", "Cf", "Cs", "M")  # separators, controls, format, marks alone


# Full-width punctuation and symbols (not letters or digits) and the ideographic space: kept.
CHINESE_PUNCTUATION = re.compile(
    "([\u3000" + "".join(chr(c) for c in range(0xFF01, 0xFF61) if not chr(c).isalnum()) + "])"
)


def normalize(value: str) -> str:
    """NFKC, except for Chinese punctuation (each run between two marks normalised on its own)."""
    parts = CHINESE_PUNCTUATION.split(value)
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


# Fields holding a code (ID number, credit code, phone, area code …), by the last words of their name:
# only full-width forms are folded there, so that a superscript or a circled digit, which NFKC would
# turn into an ASCII digit, stays for the code's validator to refuse.
CODE_NAME = re.compile(r"(^|_)(id_number|credit_code|code|phone|mobile)$")


def is_code_field(name: str) -> bool:
    return bool(CODE_NAME.search(name))


def is_refused(char: str, *, multiline: bool = False) -> bool:
    """Whether ``char`` may not appear in a text field (multi-line or not)."""
    if char in MULTI_LINE_CONTROLS:
        return not multiline
    if char in DIRECTION_MARKS or char in SEPARATORS:
        return True
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cf" and char not in JOINERS)


def is_dangerous(char: str) -> bool:
    """The request guard's coarser rule, for any parameter of any request: NUL and the other control
    characters but tab and line breaks, direction marks and lone surrogates (which no database
    stores and no page displays honestly). Format characters are left to the fields' own policy."""
    if char in MULTI_LINE_CONTROLS:
        return False
    return char in DIRECTION_MARKS or unicodedata.category(char) in ("Cc", "Cs")


def first_dangerous(value: str) -> str | None:
    return next((c for c in value if is_dangerous(c)), None)


def has_visible(value: str) -> bool:
    return any(
        c not in INVISIBLE and not unicodedata.category(c).startswith(INVISIBLE_CATEGORIES) for c in value
    )


def describe(char: str) -> str:
    """A refused character as the message shows it: its code point (it may not display at all)."""
    return f"U+{ord(char):04X}"


def fold_width(value: str) -> str:
    """Full-width forms (as Chinese input methods type them) to their ASCII letter; nothing else.

    Unlike NFKC this leaves superscripts, circled digits and other scripts' digits as they are, so
    that a code's validator can refuse them."""
    return "".join(
        unicodedata.normalize("NFKC", c) if unicodedata.decomposition(c).startswith("<wide>") else c
        for c in value
    )


def clean_text(
    value: str, *, label: str, multiline: bool = False, max_length: int | None = None, code: bool = False
) -> str:
    """``value`` normalised (a ``code`` only width-folded), or ValidationError naming ``label``. Empty
    stays empty (required is the field's business)."""
    for char in value:
        if is_refused(char, multiline=multiline):
            raise ValidationError(
                _("「%(field)s」含有不可见或控制字符（%(char)s），请删除后重新输入"),
                code="text_control",
                params={"field": label, "char": describe(char)},
            )
    value = fold_width(value) if code else normalize(value)
    if value.strip() and not has_visible(value):  # blank is "required", the field's own message
        raise ValidationError(
            _("「%(field)s」只含有空白或不可见字符，请填写内容"),
            code="text_invisible",
            params={"field": label},
        )
    limit = max_length or (MULTI_LINE_MAX if multiline else SINGLE_LINE_MAX)
    if len(value) > limit:
        raise ValidationError(
            _("「%(field)s」最多%(max)d个字符，当前为%(n)d个"),
            code="text_too_long",
            params={"field": label, "max": limit, "n": len(value)},
        )
    return value
