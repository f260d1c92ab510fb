"""View guards: signed in, and holding a capability of the role (core.access.CAPABILITIES)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def capability_required(capability: str):
    """Sign-in first (redirect to login), then 403 without the capability.

    Which rows the user reaches is still decided by ``visible_to``; this only gates the page.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
