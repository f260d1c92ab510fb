import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fugong.ledger import services
from fugong.ledger.models import CategoryDueDays, RoutingRule

# Friday 21 February 2020, 10:00 in Chongqing.
FRIDAY = dt.datetime(2020, 2, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def rules(world):
    """原材料: district-wide to 区经济信息委, but street A's to 区商务委 (the more specific rule);
    用工 has no rule (stays with the street). Due days as the defaults."""
    RoutingRule.objects.all().delete()
    CategoryDueDays.objects.all().delete()
    d = world.departments
    district = RoutingRule.objects.create(category="raw_materials", department=d["jxw"])
    street_a = RoutingRule.objects.create(
        category="raw_materials", area=world.areas["A"], department=d["swj"]
    )
    supplies = RoutingRule.objects.create(
        category="epidemic_supplies", department=d["jxw"], assignee=world.users["dept"]
    )
    return {"district": district, "street_a": street_a, "supplies": supplies}


def report(
    world,
    who="ent_admin_A",
    key="A1_above_scale",
    category="epidemic_supplies",
    green=False,
    now=None,
    title="口罩短缺",
):
    return services.problem_create(
        actor=world.users[who],
        enterprise_id=world.enterprises[key].pk,
        category=category,
        title=title,
        description="急需口罩两万只",
        green_channel=green,
        now=now,
    )
