"""The problem ledger for the scope matrix (tests/test_scope_matrix.py, tests/scope.py).

Who sees a problem: its enterprise's street, its commissioner, the department it is routed to or of
its sector, the enterprise's admin. Who handles it: the department it is routed to, or the street
when it is routed to none; the level above approves extensions (the street for its own problems,
the district for departments')."""

import datetime as dt

from django.utils import timezone

from fugong.ledger.models import Extension, Problem, RoutingRule
from tests.scope import COMMISSIONER, ENTERPRISE, SECTOR, STREET, Listing, Target, grant


def _problem(world, side, *, routed: bool, title: str, due_in_days: int = 7) -> Problem:
    enterprise = world.enterprises[side.enterprise]
    department = None
    if routed:
        department = next(d for d in world.departments.values() if enterprise.category in d.sector_categories)
    problem, _ = Problem.objects.get_or_create(
        enterprise=enterprise,
        title=f"{enterprise.name}{title}",
        defaults={
            "area_path": enterprise.area_path,
            "enterprise_category": enterprise.category,
            "street": world.areas[side.street],
            "category": "raw_materials",
            "description": "原材料滞留",
            "channel": "self",
            "reported_by": world.users["sysadmin"],
            "department": department,
            "due_days": 7,
            "due_at": timezone.now() + dt.timedelta(days=due_in_days),
        },
    )
    return problem


def problem(world, side) -> Problem:
    """An open problem routed to the department of the enterprise's sector."""
    return _problem(world, side, routed=True, title="原材料滞留")


def street_problem(world, side) -> Problem:
    """An open problem routed to no department: the street handles it."""
    return _problem(world, side, routed=False, title="用工缺口")


def overdue_problem(world, side) -> Problem:
    return _problem(world, side, routed=False, title="超期未办", due_in_days=-2)


def _extended(problem: Problem, requested_by) -> Problem:
    Extension.objects.get_or_create(
        problem=problem,
        status="pending",
        defaults={
            "area_path": problem.area_path,
            "days": 3,
            "reason": "等待上游供应商",
            "requested_by": requested_by,
            "due_before": problem.due_at,
        },
    )
    return problem


def extended_problem(world, side) -> Problem:
    """A department's problem with a pending extension (the district approves)."""
    return _extended(problem(world, side), world.users["dept"])


def extended_street_problem(world, side) -> Problem:
    """A street's problem with a pending extension (its street officer approves)."""
    return _extended(street_problem(world, side), world.users["sysadmin"])


def rule(world, side) -> RoutingRule:
    return RoutingRule.objects.get_or_create(
        category="labour", area=world.areas[side.street], defaults={"department": world.departments["swj"]}
    )[0]


def title(row) -> str:
    return row.title


def handled(body: dict):
    """A valid body for a handler's action on ``problem``: its version, and what the action needs."""
    return lambda problem: {"version": problem.version, **body}


SEEN = (STREET, COMMISSIONER, SECTOR, ENTERPRISE)


def by_handlers(body: dict) -> tuple[Target, ...]:
    """The department a problem is routed to, or the street for one routed to none."""
    return (
        Target(problem, SECTOR, data=handled(body)),
        Target(street_problem, STREET, data=handled(body)),
    )


APPROVE = lambda problem: {"approve": True, "note": "同意延期"}  # noqa: E731

TARGETS = {
    "ledger:problem_detail": Target(problem, *SEEN),
    "api-1.0.0:get_problem": Target(problem, *SEEN),
    "api-1.0.0:start_problem": by_handlers({"note": "已联系企业"}),
    "api-1.0.0:answer_problem": by_handlers({"answer": "已协调供应商发货"}),
    "api-1.0.0:extend_problem": by_handlers({"days": 3, "reason": "等待上游供应商"}),
    "api-1.0.0:approve_extension": (
        Target(extended_street_problem, STREET, data=APPROVE),
        Target(extended_problem, grant("leader", "commissioner_A"), data=APPROVE),
    ),
    "api-1.0.0:confirm_problem": Target(problem, ENTERPRISE),
    "api-1.0.0:reopen_problem": Target(problem, ENTERPRISE),
    # Routing rules are the district's settings.
    "ledger:routing_rule_delete": Target(rule, grant("sysadmin", "street_A", "leader")),
    "api-1.0.0:delete_routing_rule": Target(
        rule, grant("sysadmin", "street_A", "leader"), data=lambda rule: {}
    ),
}
LISTS = {
    "ledger:problem_list": Listing(problem, title, *SEEN),
    "api-1.0.0:list_problems": Listing(problem, title, *SEEN),
    "ledger:problem_export": Listing(problem, title, *SEEN),
    # Overdue problems go to the level above.
    "ledger:problem_overdue": Listing(overdue_problem, title, STREET),
    "api-1.0.0:overdue_list": Listing(overdue_problem, title, STREET),
}
PAGES = {
    "ledger:problem_new": "ent_admin_A",
    "ledger:stats": "street_A",
    "ledger:settings": "sysadmin",
    "api-1.0.0:list_due_days": "sysadmin",
    "api-1.0.0:update_due_days": "sysadmin",
    "api-1.0.0:list_routing_rules": "sysadmin",
    "api-1.0.0:save_routing_rule": "sysadmin",
    "api-1.0.0:seed_routing_rules": "sysadmin",
    "api-1.0.0:create_problem": "ent_admin_A",
    "api-1.0.0:problem_stats": "street_A",
    "api-1.0.0:overdue_count": "street_A",
}
