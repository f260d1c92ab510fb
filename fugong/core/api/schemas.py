"""The error shapes every operation of /api/v1 answers with (named in each operation's responses),
and ``In``, the base of every input schema (body and query)."""

import annotated_types
from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic.fields import FieldInfo

from ..text import clean_text, is_code_field

INT32 = (-(2**31), 2**31 - 1)
# Fields whose text may run over lines (``"multiline": True`` in a field's json_schema_extra says so
# for any other): the last word of the field's name.
MULTI_LINE_WORDS = frozenset(
    {"note", "notes", "reason", "description", "text", "body", "content", "answer", "comment", "remark"}
    | {"detail", "plan", "basis", "whereabouts", "location", "symptoms", "measures", "appeal", "summary"}
)
VERBATIM_WORDS = ("password", "secret", "token")  # typed as they are: no normalisation, no length


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _max_length(field: FieldInfo) -> int | None:
    return next((m.max_length for m in field.metadata if isinstance(m, annotated_types.MaxLen)), None)


def _multiline(name: str, field: FieldInfo) -> bool:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return bool(extra.get("multiline")) or name.rsplit("_", 1)[-1] in MULTI_LINE_WORDS


def _outside_int32(value: int, field: FieldInfo) -> bool:
    """Past 32 bits on a side where the field declares no bound of its own (``ge=1`` alone still
    leaves the top at 2**31 - 1: a page number of 10**23 would otherwise reach SQL as an offset)."""
    lower = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in field.metadata)
    upper = any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in field.metadata)
    return (not lower and value < INT32[0]) or (not upper and value > INT32[1])


def apply_policy(value, *, name: str, field: FieldInfo):
    """The text policy on a str (or each str of a list), the 32-bit range on an int whose field
    declares no range of its own. Raises ValueError with the Chinese message."""
    if isinstance(value, list | tuple):
        return type(value)(apply_policy(item, name=name, field=field) for item in value)
    if isinstance(value, str):
        try:
            return clean_text(
                value,
                label=field.title or name,
                multiline=_multiline(name, field),
                max_length=_max_length(field),
                code=is_code_field(name),
            )
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    if isinstance(value, int) and not isinstance(value, bool) and _outside_int32(value, field):
        raise ValueError(f"「{field.title or name}」应为 {INT32[0]} 到 {INT32[1]} 之间的整数")
    return value


class In(Schema):
    """Base of every input schema: texts by the one text policy (``core.text``), integers within 32
    bits unless the field declares its range, numbers finite (JSON's NaN and Infinity are refused)."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _input_policy(cls, value, info: ValidationInfo):
        name = info.field_name
        if any(word in name for word in VERBATIM_WORDS):
            return value
        return apply_policy(value, name=name, field=cls.model_fields[name])
