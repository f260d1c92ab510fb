"""The pages' way of running a service call from a POST: its refusal becomes a message, not a 500."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def run_action(request, call, success: str) -> bool:
    """Run ``call()``; on success flash ``success``; a ValidationError or PermissionDenied is shown
    as an error message in Chinese. True when the call went through."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权执行该操作"))
        return False
    messages.success(request, success)
    return True
