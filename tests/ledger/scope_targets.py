"""Street B's ledger objects for the generated scope test (tests/test_scope_matrix.py)."""

import datetime as dt

from django.utils import timezone


def b_problem(world):
    """An open problem of street B's 规上 enterprise, routed to 区经济信息委."""
    from fugong.ledger.models import Problem

    enterprise = world.enterprises["B1_above_scale"]
    problem, _ = Problem.objects.get_or_create(
        enterprise=enterprise,
        title="朝阳街道原材料滞留湖北",
        defaults={
            "area_path": enterprise.area_path,
            "enterprise_category": enterprise.category,
            "street": world.areas["B"],
            "category": "raw_materials",
            "description": "原材料滞留",
            "channel": "self",
            "reported_by": world.users["ent_admin_B"],
            "department": world.departments["jxw"],
            "due_days": 7,
            "due_at": timezone.now() + dt.timedelta(days=7),
        },
    )
    return problem


def b_extension(world):
    from fugong.ledger.models import Extension

    problem = b_problem(world)
    extension, _ = Extension.objects.get_or_create(
        problem=problem,
        status="pending",
        defaults={
            "area_path": problem.area_path,
            "days": 3,
            "reason": "等待上游供应商",
            "requested_by": world.users["dept"],
            "due_before": problem.due_at,
        },
    )
    return extension


def b_rule(world):
    from fugong.ledger.models import RoutingRule

    rule, _ = RoutingRule.objects.get_or_create(
        category="labour", area=world.areas["B"], defaults={"department": world.departments["swj"]}
    )
    return rule


TARGETS = {"problem": b_problem, "extension": b_extension, "routing": b_rule}
