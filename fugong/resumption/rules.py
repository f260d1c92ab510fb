"""Pure rules of the resumption process: conditions in force, the review queue's priority, the clock."""

import datetime as dt
from dataclasses import dataclass

from .choices import ConditionRule, HealthState, Ventilation
from .models import Condition


@dataclass(frozen=True)
class Unmet:
    code: str
    title: str

    def as_dict(self) -> dict:
        return {"code": self.code, "title": self.title}


def conditions_in_force(*, category: str, on: dt.date) -> list[Condition]:
    """The district's conditions for ``category`` on a date; the latest version of each code wins."""
    rows = Condition.objects.filter(effective_from__lte=on).order_by("code", "-effective_from")
    latest: dict[str, Condition] = {}
    for condition in rows:
        latest.setdefault(condition.code, condition)  # the newest version started by ``on``
    # An ended newest version ends the condition: an older open version never comes back.
    in_force = [
        c
        for c in latest.values()
        if (c.effective_to is None or c.effective_to >= on) and (not c.categories or category in c.categories)
    ]
    return sorted(in_force, key=lambda c: (c.sort_order, c.code))


def _met(condition: Condition, filing, roster: list) -> bool:
    threshold = condition.threshold or 0
    checks = {
        ConditionRule.PLAN: lambda: bool(filing.prevention_plan.strip()),
        ConditionRule.MASK_DAYS: lambda: filing.masks_days >= threshold,
        ConditionRule.DISINFECTANT_DAYS: lambda: filing.disinfectant_days >= threshold,
        ConditionRule.THERMOMETERS: lambda: filing.thermometers >= threshold,
        ConditionRule.VENTILATION: lambda: filing.ventilation != Ventilation.POOR,
        ConditionRule.ISOLATION_ROOM: lambda: filing.has_isolation_room,
        ConditionRule.CANTEEN: lambda: bool(filing.canteen_measures.strip()),
        ConditionRule.DORMITORY: lambda: not filing.has_dormitory or bool(filing.dormitory_measures.strip()),
        ConditionRule.ROSTER: lambda: len(roster) > 0,
        ConditionRule.ROSTER_HEALTHY: lambda: all(r.health_state == HealthState.HEALTHY for r in roster),
        ConditionRule.COMMITMENT: lambda: bool(filing.signed_at and filing.signatory_name),
    }
    return checks[condition.rule]()


def unmet_conditions(filing, roster: list, on: dt.date) -> list[Unmet]:
    return [
        Unmet(c.code, c.title)
        for c in conditions_in_force(category=filing.category, on=on)
        if not _met(c, filing, roster)
    ]


# The seeds' own order: local staff first, small scale, good ventilation, enough supplies.
PRIORITY_WEIGHTS = {"local_share": 40, "small_scale": 25, "ventilation": 20, "supplies": 15}


def priority(
    *, roster: list, headcount: int, ventilation: str, masks_days: int, disinfectant_days: int
) -> dict:
    """The review queue's score (0–100) with its parts, each shown to the reviewer."""
    local = sum(1 for r in roster if r.is_local) / len(roster) if roster else 0.0
    small = 1.0 if headcount <= 50 else 0.6 if headcount <= 300 else 0.3 if headcount <= 1000 else 0.0
    vent = {Ventilation.GOOD: 1.0, Ventilation.FAIR: 0.5}.get(ventilation, 0.0)
    supplies = min(masks_days, disinfectant_days, 14) / 14
    parts = {
        "local_share": round(PRIORITY_WEIGHTS["local_share"] * local, 1),
        "small_scale": round(PRIORITY_WEIGHTS["small_scale"] * small, 1),
        "ventilation": round(PRIORITY_WEIGHTS["ventilation"] * vent, 1),
        "supplies": round(PRIORITY_WEIGHTS["supplies"] * supplies, 1),
    }
    return {"score": round(sum(parts.values()), 1), "parts": parts}
