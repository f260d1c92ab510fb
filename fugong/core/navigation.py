"""The left navigation: each entry shows only for users with its capability."""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: str | None = None  # None: every signed-in user
    section: str = ""
    badge: str = ""  # dotted path of a function(user) -> int shown as a count (e.g. unread notices)
    live: bool = False  # the badge is refreshed on every open page (core:nav_badges), not only on load
    order: int = 0  # place in the menu across all apps (sections follow from it)

    @property
    def key(self) -> str:
        return self.url_name.replace(":", "-")


# The ids base.html gives the two menus (sidebar, phone); a live badge is in both.
NAV_IDS = ("fg-side-nav", "fg-mobile-nav-list")


@functools.cache
def nav_items() -> tuple[NavItem, ...]:
    """Every app's entries (``nav_items`` on its AppConfig), in menu order: core names no app."""
    items = [item for config in apps.get_app_configs() for item in getattr(config, "nav_items", ())]
    return tuple(sorted(items, key=lambda item: item.order))


def _visible(user):
    for item in nav_items():
        if not item.capability or user.can(item.capability):
            yield item


def live_badges(user) -> list[dict]:
    """The live badges the user may see, with their counts (refreshed by core:nav_badges)."""
    return [
        {"key": item.key, "badge": import_string(item.badge)(user=user)}
        for item in _visible(user)
        if item.live and item.badge
    ]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in _visible(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # tests/core/test_navigation.py fails on any entry like this
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "section": item.section,
                "active": False,
                "badge": import_string(item.badge)(user=user) if item.badge else 0,
                "key": item.key,
                "live": item.live and bool(item.badge),
            }
        )
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
