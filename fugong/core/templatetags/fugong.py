from django import template
from django.utils.http import urlencode

from fugong.core.masking import mask_id_number, mask_name, mask_phone

register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id", mask_id_number)
register.filter("mask_name", mask_name)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sorting and pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True) if params else "?"


@register.filter
def wan(value):
    """Chinese large-number convention: 12345 → 1.23万, 123456789 → 1.23亿."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if abs(number) >= 1e8:
        return f"{number / 1e8:.2f}亿"
    if abs(number) >= 1e4:
        return f"{number / 1e4:.2f}万"
    return f"{int(number)}" if number == int(number) else f"{number:.2f}"
