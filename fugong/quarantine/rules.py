"""The district's rule data read on a date: risk areas and the rule set in force, and the decision
of a returnee's measure (the first rule, in order, whose condition holds)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import Condition, RiskArea, RiskLevel, Rule, RuleSet

SEVERITY = [RiskLevel.HIGH, RiskLevel.KEY, RiskLevel.MEDIUM, RiskLevel.LOW]


def risk_levels(*, province: str, city: str, district: str, on: dt.date) -> set[str]:
    """The levels the district's list gives an origin on a date (a blank city or district covers all)."""
    rows = (
        RiskArea.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
            effective_from__lte=on,
            province=province.strip(),
        )
        .filter(Q(city="") | Q(city=city.strip()))
        .filter(Q(district="") | Q(district=district.strip()))
    )
    return set(rows.values_list("level", flat=True))


def worst(levels: set[str]) -> str:
    return next((level for level in SEVERITY if level in levels), "")


def rule_set_in_force(on: dt.date) -> RuleSet | None:
    """The newest version started by ``on``."""
    return RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def holds(condition: str, *, levels: set[str], outside_city: bool) -> bool:
    return {
        Condition.HIGH: RiskLevel.HIGH in levels,
        Condition.MEDIUM: RiskLevel.MEDIUM in levels,
        Condition.KEY: RiskLevel.KEY in levels,
        Condition.OUTSIDE_CITY: outside_city,
        Condition.ANY: True,
    }[condition]


@dataclass(frozen=True)
class Outcome:
    rule_set: RuleSet
    rule: Rule
    risk_level: str


def decide(*, province: str, city: str, district: str, on: dt.date) -> Outcome | None:
    """The measure for an arrival on ``on`` from an origin, by the rule set in force that day."""
    rule_set = rule_set_in_force(on)
    if rule_set is None:
        return None
    levels = risk_levels(province=province, city=city, district=district, on=on)
    outside = province.strip() != rule_set.home_city  # 重庆 is a municipality: the province is the city
    for rule in rule_set.rules.order_by("order"):
        if holds(rule.condition, levels=levels, outside_city=outside):
            return Outcome(rule_set=rule_set, rule=rule, risk_level=worst(levels))
    return None
