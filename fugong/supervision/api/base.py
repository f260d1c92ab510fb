"""Pieces shared by the supervision API: error responses, the reader check, paging."""

from django.core.exceptions import PermissionDenied
from pydantic import Field

from fugong.core.api import ErrorOut, In, ValidationErrorOut

from .. import selectors

ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
INELIGIBLE = "不诚信企业：不得享受惠企政策"


def _reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied("您无权查看督查检查信息")


def _page(qs, page: int, size: int) -> tuple[list, int]:
    count = qs.count()
    return list(qs[(page - 1) * size : page * size]), count


class PageQuery(In):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)
