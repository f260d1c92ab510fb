"""The capability gate of an API operation (its rows are still scoped by ``visible_to``)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(user, capability: str, message: str | None = None) -> None:
    """403 (the handler answers in Chinese) unless the caller's role holds ``capability``."""
    if not user.can(capability):
        raise PermissionDenied(message or _("您无权执行此操作"))
