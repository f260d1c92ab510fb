"""The API kit: the one NinjaAPI of /api/v1, its auth, its error shapes and handlers, pagination."""

from .auth import BearerToken, Session
from .guards import require
from .pagination import paginate
from .schemas import ErrorOut, In, ValidationErrorOut
from .site import api

__all__ = ["BearerToken", "ErrorOut", "In", "Session", "ValidationErrorOut", "api", "paginate", "require"]
