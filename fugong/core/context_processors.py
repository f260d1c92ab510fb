from django.utils import timezone

from .navigation import nav_for


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = nav_for(user, request.path)
    return {"nav_items": items, "nav_live": any(i["live"] for i in items), "today": timezone.localdate()}
