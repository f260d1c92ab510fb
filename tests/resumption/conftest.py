import datetime as dt

import pytest

from fugong.core import fake
from fugong.health.services import person_get_or_create
from fugong.resumption import tallies
from fugong.resumption.choices import ConditionRule, HealthState, Mode, Ventilation
from fugong.resumption.models import CategoryPolicy, CommitmentText, Condition


@pytest.fixture
def setup(world):
    """Policies, conditions and the commitment as a district would set them, and tallies built."""
    CategoryPolicy.objects.update_or_create(
        category="above_scale", defaults={"mode": Mode.REVIEW, "review_working_days": 2}
    )
    CategoryPolicy.objects.update_or_create(category="commerce", defaults={"mode": Mode.FILING})
    Condition.objects.all().delete()  # the tests' own list instead of the district's defaults
    start = dt.date(2020, 2, 1)
    for order, (code, rule, threshold) in enumerate(
        [
            ("plan", ConditionRule.PLAN, None),
            ("masks", ConditionRule.MASK_DAYS, 7),
            ("isolation", ConditionRule.ISOLATION_ROOM, None),
            ("roster", ConditionRule.ROSTER, None),
            ("healthy", ConditionRule.ROSTER_HEALTHY, None),
            ("commitment", ConditionRule.COMMITMENT, None),
        ]
    ):
        Condition.objects.create(
            code=code,
            title=ConditionRule(rule).label,
            rule=rule,
            threshold=threshold,
            effective_from=start,
            sort_order=order,
        )
    commitment = CommitmentText.objects.get(version="2020-1")  # from the default data migration
    tallies.status_rebuild()
    return commitment


def roster_rows(n: int, *, local: int, abnormal: int = 0, seq: int = 0) -> list[dict]:
    rows = []
    for i in range(n):
        person, _ = person_get_or_create(
            id_number=fake.id_number(seq + i, dt.date(1985, 1, 1 + i % 28)),
            name=f"员工{seq + i}",
            phone=fake.mobile(seq + i),
        )
        rows.append(
            {
                "person": person,
                "last14_location": "重庆市北碚区",
                "is_local": i < local,
                "health_state": HealthState.ABNORMAL if i < abnormal else HealthState.HEALTHY,
            }
        )
    return rows


def good_filing_fields(planned: dt.date) -> dict:
    return {
        "planned_date": planned,
        "prevention_plan": "每日两次消毒，进厂测温，分时段就餐。",
        "masks_stock": 5000,
        "masks_days": 14,
        "disinfectant_kg": 50,
        "disinfectant_days": 14,
        "thermometers": 4,
        "ventilation": Ventilation.GOOD,
        "has_isolation_room": True,
        "canteen_measures": "错峰分餐",
        "has_dormitory": False,
        "dormitory_measures": "",
    }


def make_reporting(world, *keys: str) -> None:
    """Put enterprises where they report daily (approved), as a street's review would."""
    from fugong.resumption import services
    from fugong.resumption.choices import EXPECTED_STATES, EnterpriseState
    from fugong.resumption.models import EnterpriseStatus

    for key in keys or ("A1_above_scale", "B1_above_scale"):
        enterprise = world.enterprises[key]
        state = EnterpriseStatus.objects.filter(enterprise=enterprise).values_list("state", flat=True).first()
        if state not in EXPECTED_STATES:
            services.status_set(
                actor=world.users["sysadmin"], enterprise=enterprise, state=EnterpriseState.APPROVED
            )
