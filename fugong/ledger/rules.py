"""Pure rules of the ledger: which rule routes a problem, and its clock."""

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Length

from fugong.areas.models import PATH_SEP
from fugong.core.workdays import add_working_days

from .choices import DEFAULT_DUE_DAYS
from .models import CategoryDueDays, RoutingRule


def ancestor_paths(area_path: str) -> list[str]:
    """``/a/b/c/`` → ``['/a/', '/a/b/', '/a/b/c/']``."""
    codes = [c for c in area_path.split(PATH_SEP) if c]
    return [PATH_SEP + PATH_SEP.join(codes[: i + 1]) + PATH_SEP for i in range(len(codes))]


def route(*, category: str, area_path: str) -> RoutingRule | None:
    """The rule for ``category`` whose area holds ``area_path`` most closely (a district-wide rule last)."""
    paths = ["", *ancestor_paths(area_path)]
    return (
        RoutingRule.objects.filter(Q(category=category) & Q(area_path__in=paths))
        .select_related("department", "assignee")
        .order_by(Length("area_path").desc())
        .first()
    )


def due_days(category: str) -> int:
    row = CategoryDueDays.objects.filter(category=category).first()
    return row.days if row else DEFAULT_DUE_DAYS.get(category, 7)


def effective_days(days: int, *, green_channel: bool) -> int:
    """The green channel halves the time, at least one working day."""
    return max(1, days // 2) if green_channel else days


def due_at(start: dt.datetime, days: int) -> dt.datetime:
    return add_working_days(start, days)
