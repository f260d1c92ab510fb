"""The demo's resumption data, built over the test world: tallies agree with the rows, past days
have their snapshot, identifiers are valid, and the summary reads it all back."""

import datetime as dt

import pytest
from django.utils import timezone

from fugong.core.validators import validate_id_number
from fugong.demo.resumption_data import build_resumption
from fugong.health.models import Person
from fugong.resumption import rates, tallies
from fugong.resumption.choices import RESUMED_STATES
from fugong.resumption.models import (
    DailyReport,
    DailyTally,
    EnterpriseStatus,
    Filing,
    RosterEntry,
    StatusChange,
)
from fugong.resumption.summary import build_summary

from .test_summary_build import counted, hand_count


def test_demo_resumption_agrees_with_its_own_rows(world, setup):
    result = build_resumption(scale="small", seed=5, days=4)

    today = timezone.localdate()
    assert result.reports == DailyReport.objects.count() > 0
    assert result.persons == Person.objects.count() == RosterEntry.objects.count()
    assert Filing.objects.count() == sum(result.filings.values())
    for key in ("district", "A", "B"):
        summary = build_summary(area=world.areas[key], day=today)
        assert counted(summary.total) == hand_count(world.areas[key].path)
    for person in Person.objects.all():
        validate_id_number(person.id_number)


def state_on(day) -> dict[int, str]:
    """Each enterprise's state on ``day``, replayed from its status history."""
    states = {}
    for change in StatusChange.objects.filter(date__lte=day).order_by("date", "at", "pk"):
        states[change.enterprise_id] = change.to_state
    return states


@pytest.mark.parametrize("seed", [5, 11, 2020])
def test_demo_resumption_leaves_past_days_with_their_own_counts(world, setup, seed):
    build_resumption(scale="small", seed=seed, days=4)

    first_day = timezone.localdate() - dt.timedelta(days=3)
    out = set(EnterpriseStatus.objects.filter(out_of_scope=True).values_list("enterprise_id", flat=True))
    for f in rates.trend(world.areas["district"], days=4):
        by_hand = sum(
            1 for pk, state in state_on(f.date).items() if state in RESUMED_STATES and pk not in out
        )
        assert f.date >= first_day and f.registered == 6
        assert f.resumption.numerator == by_hand


def test_demo_daily_tallies_equal_what_daily_rebuild_computes(world, setup):
    build_resumption(scale="small", seed=11, days=4)
    fields = ("reports", "staff_on_duty", "staff_total", "output_pct_sum", "output_weighted")

    def report_columns():
        return {
            (t.date, t.area_id, t.category, t.industry): ([getattr(t, f) for f in fields], t.duty_ratio_sum)
            for t in DailyTally.objects.all()
            if t.reports
        }

    built = report_columns()
    for day in {key[0] for key in built}:
        tallies.daily_rebuild(day)
    rebuilt = report_columns()

    assert built.keys() == rebuilt.keys() and len(built) > 0
    for key, (counts, ratio) in built.items():
        assert counts == rebuilt[key][0]
        assert ratio == pytest.approx(rebuilt[key][1])
