from django.utils import timezone

from .navigation import nav_for


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": nav_for(user, request.path), "today": timezone.localdate()}
