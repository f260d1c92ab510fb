"""The problem ledger's services: routing, the clock, the lifecycle, extensions, escalation,
concurrency and scope. Every refusal also checks that nothing changed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.ledger import rules as ledger_rules
from fugong.ledger import selectors, services
from fugong.ledger.choices import Channel, EventKind, ProblemStatus
from fugong.ledger.models import CategoryDueDays, Extension, Problem, ProblemEvent

from .conftest import FRIDAY, report


def snapshot(problem):
    problem.refresh_from_db()
    return (
        problem.status,
        problem.version,
        problem.answer,
        problem.rating,
        problem.due_at,
        problem.escalation_level,
        problem.events.count(),
        Extension.objects.filter(problem=problem).count(),
    )


# --- routing and the clock ---------------------------------------------------------------------------


def test_the_most_specific_rule_wins(world, rules):
    in_a = report(world, category="raw_materials")
    in_b = report(world, who="ent_admin_B", key="B1_above_scale", category="raw_materials")
    assert in_a.rule == rules["street_a"] and in_a.department == world.departments["swj"]
    assert in_b.rule == rules["district"] and in_b.department == world.departments["jxw"]


def test_a_rule_may_name_the_person(world, rules):
    problem = report(world, category="epidemic_supplies")
    assert problem.assignee == world.users["dept"]
    assert problem.department == world.departments["jxw"]


def test_without_a_rule_the_street_holds_it(world, rules):
    problem = report(world, category="labour")
    assert problem.department is None and problem.rule is None
    assert problem.street == world.areas["A"]
    assert problem.holder_label == "天生街道"


def test_due_date_counts_working_days_and_the_green_channel_halves_it(world, rules):
    assert report(world, category="raw_materials", now=FRIDAY).due_at == FRIDAY.replace(
        month=3, day=3
    )  # 7 wd
    assert report(world, category="raw_materials", green=True, now=FRIDAY).due_at == FRIDAY.replace(
        day=26
    )  # 3
    green_supplies = report(world, category="epidemic_supplies", green=True, now=FRIDAY)  # 3 → 1, not 0
    assert green_supplies.due_days == 1 and green_supplies.due_at == FRIDAY.replace(day=24)
    finance = report(world, category="finance", now=FRIDAY)
    assert finance.due_days == 30 and finance.due_at.weekday() < 5


def test_due_days_come_from_the_settings(world, rules):
    services.due_days_update(actor=world.users["sysadmin"], category="labour", days=2)
    assert report(world, category="labour", now=FRIDAY).due_at == FRIDAY.replace(day=25)
    assert CategoryDueDays.objects.get(category="labour").days == 2
    with pytest.raises(PermissionDenied):
        services.due_days_update(actor=world.users["street_A"], category="labour", days=9)
    assert ledger_rules.due_days("labour") == 2


def test_channel_follows_who_records_it(world, rules):
    assert report(world).channel == Channel.SELF
    assert report(world, who="commissioner_A").channel == Channel.COMMISSIONER
    assert report(world, who="dept").channel == Channel.HOTLINE
    assert report(world, who="street_A", key="A2_individual").channel == Channel.HOTLINE


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("ent_admin_A", "B1_above_scale"),
        ("ent_admin_A", "A1_commerce"),
        ("commissioner_A", "A1_commerce"),
        ("street_A", "B1_commerce"),
        ("community_A", "A1_above_scale"),
        ("resident_A", "A1_above_scale"),
    ],
)
def test_recording_outside_ones_scope_is_refused(world, rules, who, key):
    before = (Problem.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        report(world, who=who, key=key)
    assert (Problem.objects.count(), AuditEntry.objects.count()) == before


def test_missing_title_is_refused_in_chinese(world, rules):
    with pytest.raises(ValidationError) as exc:
        report(world, title=" ")
    assert exc.value.message_dict == {"title": ["请填写问题标题"]}
    assert not Problem.objects.exists()


# --- the lifecycle -------------------------------------------------------------------------------------


def test_open_in_progress_answered_confirmed_with_rating(world, rules):
    problem = report(world, category="raw_materials")  # street A's rule: 区商务委 — but no officer there
    problem = report(world, category="epidemic_supplies")
    dept = world.users["dept"]
    problem = services.problem_start(
        actor=dept, problem_id=problem.pk, version=problem.version, note="已联系供应商"
    )
    assert problem.status == ProblemStatus.IN_PROGRESS
    problem = services.problem_answer(
        actor=dept,
        problem_id=problem.pk,
        version=problem.version,
        answer="已协调区应急物资储备调拨口罩两万只",
    )
    assert problem.status == ProblemStatus.ANSWERED and problem.answered_by == dept
    problem = services.problem_confirm(
        actor=world.users["ent_admin_A"],
        problem_id=problem.pk,
        version=problem.version,
        rating=5,
        comment="非常及时",
    )
    assert (problem.status, problem.rating, problem.rating_comment) == (
        ProblemStatus.CONFIRMED,
        5,
        "非常及时",
    )
    assert problem.closed_by == world.users["ent_admin_A"] and problem.close_seconds >= 0
    kinds = list(problem.events.order_by("at", "id").values_list("kind", "to_status"))
    assert kinds == [
        (EventKind.CREATED, "open"),
        (EventKind.STARTED, "in_progress"),
        (EventKind.ANSWERED, "answered"),
        (EventKind.CONFIRMED, "confirmed"),
    ]
    assert all(e.actor_id for e in problem.events.all())
    assert AuditEntry.objects.filter(object_id=str(problem.pk), content_type__model="problem").count() == 4


def test_reopen_sends_it_back_with_a_reason_and_a_new_clock(world, rules):
    problem = report(world, category="labour")  # street A holds it
    street = world.users["street_A"]
    problem = services.problem_answer(
        actor=street, problem_id=problem.pk, version=problem.version, answer="已对接人社局招聘会"
    )
    with pytest.raises(ValidationError) as exc:
        services.problem_reopen(
            actor=world.users["ent_admin_A"], problem_id=problem.pk, version=problem.version, reason=""
        )
    assert exc.value.message_dict == {"reason": ["请填写要求重新办理的理由"]}
    problem = services.problem_reopen(
        actor=world.users["ent_admin_A"],
        problem_id=problem.pk,
        version=problem.version,
        reason="招聘会没有我们需要的焊工",
    )
    assert problem.status == ProblemStatus.REOPENED and problem.reopen_count == 1
    assert problem.events.filter(kind=EventKind.REOPENED, note="招聘会没有我们需要的焊工").exists()
    problem = services.problem_start(actor=street, problem_id=problem.pk, version=problem.version)
    problem = services.problem_answer(
        actor=street, problem_id=problem.pk, version=problem.version, answer="已从合川调剂焊工6名"
    )
    problem = services.problem_confirm(
        actor=world.users["ent_admin_A"], problem_id=problem.pk, version=problem.version, rating=4
    )
    assert problem.status == ProblemStatus.CONFIRMED


@pytest.mark.parametrize("who", ["street_A", "dept", "commissioner_A", "leader", "ent_admin_B"])
def test_a_rating_from_anyone_but_the_enterprise_is_refused(world, rules, who):
    problem = report(world, category="epidemic_supplies")
    problem = services.problem_answer(
        actor=world.users["dept"], problem_id=problem.pk, version=problem.version, answer="已调拨"
    )
    before = snapshot(problem)
    with pytest.raises(PermissionDenied) as exc:
        services.problem_confirm(
            actor=world.users[who], problem_id=problem.pk, version=problem.version, rating=1
        )
    if who != "ent_admin_B":
        assert str(exc.value) == "只有提出诉求的企业（或代为登记的人员）可以确认和评价"
    assert snapshot(problem) == before


def test_the_recorder_of_a_hotline_problem_may_confirm(world, rules):
    problem = report(world, who="commissioner_A", category="epidemic_supplies")
    problem = services.problem_answer(
        actor=world.users["dept"], problem_id=problem.pk, version=problem.version, answer="已调拨"
    )
    problem = services.problem_confirm(
        actor=world.users["commissioner_A"], problem_id=problem.pk, version=problem.version, rating=3
    )
    assert problem.rating == 3


def test_a_rating_outside_one_to_five_is_refused(world, rules):
    problem = report(world, category="labour")
    problem = services.problem_answer(
        actor=world.users["street_A"], problem_id=problem.pk, version=problem.version, answer="已办"
    )
    before = snapshot(problem)
    with pytest.raises(ValidationError) as exc:
        services.problem_confirm(
            actor=world.users["ent_admin_A"], problem_id=problem.pk, version=problem.version, rating=6
        )
    assert exc.value.message_dict == {"rating": ["请选择 1–5 分的满意度评价"]}
    assert snapshot(problem) == before


def test_only_the_responsible_unit_answers(world, rules):
    problem = report(world, category="epidemic_supplies")  # 区经济信息委
    before = snapshot(problem)
    for who in ("street_A", "commissioner_A", "ent_admin_A"):
        with pytest.raises(PermissionDenied):
            services.problem_answer(
                actor=world.users[who], problem_id=problem.pk, version=problem.version, answer="越权答复"
            )
    assert snapshot(problem) == before


# --- extensions ----------------------------------------------------------------------------------------


def test_an_extension_needs_a_reason_and_a_different_approver_from_the_level_above(world, rules):
    problem = report(world, category="epidemic_supplies", now=FRIDAY)
    dept = world.users["dept"]
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            actor=dept, problem_id=problem.pk, version=problem.version, days=3, reason=" "
        )
    assert exc.value.message_dict == {"reason": ["请填写延期理由"]}
    services.extension_request(
        actor=dept, problem_id=problem.pk, version=problem.version, days=3, reason="口罩生产企业尚未复产"
    )
    before = snapshot(problem)
    with pytest.raises(PermissionDenied) as exc:  # the department cannot approve its own request
        services.extension_decide(actor=dept, problem_id=problem.pk, approve=True)
    assert str(exc.value) == "不能审批自己提出的延期申请"
    with pytest.raises(PermissionDenied):  # a street is not above a district department
        services.extension_decide(actor=world.users["street_A"], problem_id=problem.pk, approve=True)
    with pytest.raises(PermissionDenied):  # other street: not even visible
        services.extension_decide(actor=world.users["street_B"], problem_id=problem.pk, approve=True)
    assert snapshot(problem) == before
    extension = services.extension_decide(
        actor=world.users["leader"], problem_id=problem.pk, approve=True, note="同意"
    )
    problem.refresh_from_db()
    assert extension.status == "approved" and extension.decided_by == world.users["leader"]
    assert extension.due_before == FRIDAY.replace(day=26)
    assert problem.due_at == FRIDAY.replace(month=3, day=2)  # Wednesday + 3 working days = Monday
    assert problem.events.filter(kind=EventKind.EXTENSION_APPROVED).exists()


def test_a_street_held_extension_is_approved_by_another_street_officer(world, rules):
    from fugong.accounts.models import User

    problem = report(world, category="labour")
    street = world.users["street_A"]
    services.extension_request(
        actor=street, problem_id=problem.pk, version=problem.version, days=2, reason="待协调"
    )
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=street, problem_id=problem.pk, approve=True)
    chief = User(
        username="street_A_chief", full_name="街道主任", role="street_officer", scope_area=world.areas["A"]
    )
    chief.save()
    with pytest.raises(ValidationError) as exc:
        services.extension_decide(actor=chief, problem_id=problem.pk, approve=False)
    assert exc.value.message_dict == {"note": ["不批准延期时请填写理由"]}
    services.extension_decide(actor=chief, problem_id=problem.pk, approve=False, note="请按期办结")
    assert Extension.objects.get(problem=problem).status == "rejected"


# --- overdue and escalation ------------------------------------------------------------------------------


def test_overdue_problems_escalate_to_the_level_above(world, rules):
    old = report(
        world,
        category="epidemic_supplies",
        now=timezone.now() - dt.timedelta(days=30),
        title="逾期未办的口罩诉求",
    )
    fresh = report(world, category="finance", title="贷款诉求")
    assert selectors.overdue_count(user=world.users["leader"]) == 1
    assert selectors.overdue_count(user=world.users["street_B"]) == 0
    call_command("escalate_problems", verbosity=0)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.escalation_level, fresh.escalation_level) == (1, 0)
    assert ProblemEvent.objects.filter(problem=old, kind=EventKind.ESCALATED).count() == 1
    assert services.problems_escalate_overdue() == 0  # twice is harmless


# --- two officers at once ---------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_changes(world, rules):
    problem = report(world, category="labour")
    street = world.users["street_A"]
    seen = problem.version
    services.problem_answer(actor=street, problem_id=problem.pk, version=seen, answer="第一位干部的答复")
    before = snapshot(problem)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.problem_answer(actor=street, problem_id=problem.pk, version=seen, answer="第二位干部的答复")
    assert exc.value.messages == ["该问题已被他人处理，请刷新"]
    assert snapshot(problem) == before and AuditEntry.objects.count() == audits
    assert problem.answer == "第一位干部的答复"


# --- scope ---------------------------------------------------------------------------------------------------


def test_scope_of_reads(world, rules):
    a = report(world, category="epidemic_supplies", title="甲")
    b = report(world, who="ent_admin_B", key="B1_above_scale", category="labour", title="乙")
    seen = {
        name: set(Problem.objects.visible_to(world.users[name]).values_list("title", flat=True))
        for name in (
            "street_A",
            "street_B",
            "ent_admin_A",
            "ent_admin_B",
            "commissioner_A",
            "dept",
            "leader",
            "community_A",
            "resident_A",
        )
    }
    assert seen["street_A"] == {"甲"} and seen["street_B"] == {"乙"}
    assert seen["ent_admin_A"] == {"甲"} and seen["ent_admin_B"] == {"乙"}
    assert seen["commissioner_A"] == {"甲"}
    assert seen["dept"] == {"甲", "乙"}  # routed to it, and B1's 规上 firm is in its sector
    assert seen["leader"] == {"甲", "乙"}
    assert seen["community_A"] == seen["resident_A"] == set()
    assert a.pk and b.pk
