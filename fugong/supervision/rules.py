"""Pure rules of supervision: the checklist in force on a date and the step a count proposes."""

import datetime as dt

from .choices import Step
from .models import ChecklistItem, EscalationPolicy

DEFAULT_WINDOW_DAYS = 90


def checklist_in_force(on: dt.date) -> list[ChecklistItem]:
    """The district's checklist on a date; the newest version of each code started by then wins."""
    latest: dict[str, ChecklistItem] = {}
    for item in ChecklistItem.objects.filter(effective_from__lte=on).order_by("code", "-effective_from"):
        latest.setdefault(item.code, item)
    in_force = [i for i in latest.values() if i.effective_to is None or i.effective_to >= on]
    return sorted(in_force, key=lambda i: (i.sort_order, i.code))


def window_days() -> int:
    policy = EscalationPolicy.objects.order_by("pk").first()
    return policy.window_days if policy else DEFAULT_WINDOW_DAYS


def step_for(sequence: int) -> str:
    """1st → 约谈法人代表; 2nd → 区领导约谈; 3rd and later → the officer decides on listing."""
    if sequence <= 1:
        return Step.LEGAL_REP_INTERVIEW
    if sequence == 2:
        return Step.LEADER_INTERVIEW
    return Step.OFFICER_DECIDES


def window_start(on: dt.date, days: int) -> dt.date:
    """The first day counted: a window of ``days`` days ending on ``on``."""
    return on - dt.timedelta(days=days - 1)
