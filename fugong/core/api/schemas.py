"""The error shapes every operation of /api/v1 answers with (named in each operation's responses)."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]
