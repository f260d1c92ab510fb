"""Rows that hang on an enterprise are scoped through it (the apps above the registry use this)."""

from django.db.models import Q

from .models import Enterprise


def enterprise_scoped(user, action, prefix="enterprise"):
    """Rows that belong to an enterprise are visible exactly when the enterprise is."""
    if user.is_sysadmin:
        return Q()
    visible = Enterprise.objects.visible_to(user, "view" if action == "view" else action)
    return Q(**{f"{prefix}__in": visible.values("pk")})
