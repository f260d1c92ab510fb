"""What the apps above contribute to pages of the apps below, declared on each app's AppConfig.

The navigation (``nav_items``), the counts shown on the area tree (``area_counters``) and the sections
of pages such as a person's file or an area (``page_sections``) are gathered here, so a lower app never names a higher
one: an app adds itself by declaring what it contributes, and the dependency arrows stay downward.
Readers are dotted paths inside the declaring app, resolved once.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string


@functools.cache
def contributions(attribute: str) -> tuple:
    """Every app's ``attribute`` entries, in INSTALLED_APPS order."""
    return tuple(item for config in apps.get_app_configs() for item in getattr(config, attribute, ()))


@functools.cache
def reader(dotted: str):
    return import_string(dotted)


@dataclass(frozen=True)
class AreaCounter:
    """A count shown per node of the area tree: ``per_area(user) -> {area_id: n}`` (one aggregate) and
    ``in_subtree(user, area) -> n`` (one prefix count), both over rows the user may see."""

    label: str
    per_area: str
    in_subtree: str


@dataclass(frozen=True)
class Section:
    """A card that another app adds to a page of a lower app (``page``: "person_file", "area_detail").

    ``read(user=…, obj=…)`` returns the rows the viewer may see, or None to leave the card out; the
    app's own ``template`` renders them as ``rows`` (with ``obj``). ``limited_safe``: the card may
    also be shown to a viewer who reaches the object only through a narrower relation (a person's
    employer sees the file's employment-safe cards only — its own check-ins and rosters)."""

    page: str
    key: str
    template: str
    read: str
    order: int = 0
    limited_safe: bool = False


def sections(page: str, *, user, obj, limited: bool = False) -> list[dict]:
    """The cards of ``page`` for this viewer and object, in order, each with its rows; ``limited``
    keeps only the cards that declare themselves ``limited_safe``."""
    cards = []
    for section in sorted(
        (s for s in contributions("page_sections") if s.page == page and (s.limited_safe or not limited)),
        key=lambda s: s.order,
    ):
        rows = reader(section.read)(user=user, obj=obj)
        if rows is not None:
            cards.append({"key": section.key, "template": section.template, "rows": rows})
    return cards


@dataclass(frozen=True)
class PageLink:
    """A button that another app adds to a page of a lower app (e.g. "enterprise_detail"): shown when
    ``allowed(user=…, obj=…)`` says so, pointing at ``url_name`` with the object's pk."""

    page: str
    label: str
    url_name: str
    allowed: str
    css: str = "btn-outline-secondary"
    order: int = 0


def links(page: str, *, user, obj) -> list[dict]:
    """The buttons of ``page`` this viewer may use, in order."""
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[obj.pk]), "css": link.css}
        for link in sorted((x for x in contributions("page_links") if x.page == page), key=lambda x: x.order)
        if reader(link.allowed)(user=user, obj=obj)
    ]
