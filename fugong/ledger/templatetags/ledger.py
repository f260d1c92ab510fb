from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def hours(seconds):
    """Seconds → "36.5 小时" (or "—" when there is nothing to show)."""
    if seconds is None:
        return "—"
    return _("%(h)s 小时") % {"h": f"{float(seconds) / 3600:.1f}"}
