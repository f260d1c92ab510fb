"""Returnees, decisions by the rule set in force, handover, orders, follow-ups and release."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.quarantine import selectors, services
from fugong.quarantine.models import Decision, FollowUp, Handover, Order, Returnee, RuleSet

from .factories import high_risk, id_number, order_for, register, under_the_ninth_edition

TODAY_2020 = dt.date(2020, 2, 20)
TODAY_2022 = dt.date(2022, 8, 1)


def test_high_risk_arrival_gets_the_measure_of_the_rule_set_in_force(world):
    high_risk(since=dt.date(2020, 1, 20))
    returnee = register(world, arrival=dt.date(2020, 2, 10), today=TODAY_2020)
    decision = returnee.decision
    rule_set = RuleSet.objects.get(effective_from=dt.date(2020, 1, 24))
    assert (decision.measure, decision.days) == ("centralized", 14)
    assert decision.rule_set == rule_set
    assert decision.rule.condition == "high" and decision.rule.rule_set == rule_set
    assert decision.risk_level == "high"
    assert decision.decided_by == world.users["community_A"]
    assert "传染病防治法" in decision.legal_basis and "复核" in decision.appeal
    assert not decision.manual
    assert AuditEntry.objects.filter(object_id=str(returnee.pk), action="create").exists()


def test_outside_city_and_local_arrivals_in_2020(world):
    outside = register(
        world, province="四川省", city="成都市", arrival=dt.date(2020, 2, 10), today=TODAY_2020
    )
    assert (outside.decision.measure, outside.decision.days) == ("home", 14)
    assert outside.decision.rule.condition == "outside_city"
    local = register(world, province="重庆市", city="", arrival=dt.date(2020, 2, 10), today=TODAY_2020)
    assert (local.decision.measure, local.decision.rule.condition) == ("monitoring", "any")


def test_later_rule_set_applies_to_later_arrivals(world):
    high_risk(since=dt.date(2020, 1, 1))
    later = register(world, arrival=dt.date(2022, 7, 20), today=TODAY_2022)
    assert later.decision.rule_set.effective_from == dt.date(2022, 6, 28)
    assert (later.decision.measure, later.decision.days) == ("centralized", 7)
    # The day before the new set, the old one still decides.
    earlier = register(world, arrival=dt.date(2022, 6, 27), today=TODAY_2022)
    assert earlier.decision.rule_set.effective_from == dt.date(2020, 1, 24)
    assert earlier.decision.days == 14


def test_risk_area_list_is_dated(world):
    high_risk(since=dt.date(2020, 1, 20), until=dt.date(2020, 3, 1))
    after = register(world, arrival=dt.date(2020, 3, 5), today=dt.date(2020, 3, 6))
    assert after.decision.rule.condition == "outside_city"


def test_arrival_in_the_future_refused(world):
    with pytest.raises(ValidationError) as exc:
        register(world, arrival=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["arrival_date"] == ["抵达日期不能晚于今天"]
    assert not Returnee.objects.exists()


def test_absurdly_old_arrival_refused(world):
    with pytest.raises(ValidationError) as exc:
        register(world, arrival=dt.date(2001, 1, 1))
    assert "arrival_date" in exc.value.message_dict


def test_wrong_id_check_digit_refused(world):
    good = id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        register(world, number=bad)
    assert exc.value.message_dict["id_number"] == ["身份证号校验位不正确，请核对后重新输入"]
    assert not Returnee.objects.exists()


def test_registration_needs_the_capability(world):
    with pytest.raises(PermissionDenied):
        register(world, user="resident_A")


def test_manual_change_needs_a_reason_and_is_recorded(world):
    returnee = register(world)
    with pytest.raises(ValidationError) as exc:
        services.decision_change(
            actor=world.users["community_A"], returnee_id=returnee.pk, measure="home", days=14, reason=" "
        )
    assert exc.value.message_dict["reason"] == ["人工调整管控措施须填写理由"]
    decision = services.decision_change(
        actor=world.users["community_A"],
        returnee_id=returnee.pk,
        measure="home",
        days=14,
        reason="本人有基础病，经评估居家",
    )
    assert decision.manual and decision.reason and decision.rule is None
    assert returnee.decision == decision
    assert Decision.objects.filter(returnee=returnee).count() == 2


def test_handover_to_another_community(world):
    high_risk()
    returnee = register(world, "community_A", "B1")
    assert returnee.handover == Handover.PENDING
    # Both sides see it as 待接收.
    assert returnee in selectors.returnee_list(user=world.users["community_A"])
    assert returnee in selectors.handover_inbox(user=world.users["community_B"])
    assert not selectors.handover_inbox(user=world.users["community_A"]).exists()
    # No order before acceptance; the sender cannot accept.
    with pytest.raises(ValidationError):
        services.order_issue(
            actor=world.users["community_B"], returnee_id=returnee.pk, start_date=timezone.localdate()
        )
    with pytest.raises(PermissionDenied):
        services.handover_accept(actor=world.users["community_A"], returnee_id=returnee.pk)
    services.handover_accept(actor=world.users["community_B"], returnee_id=returnee.pk)
    returnee.refresh_from_db()
    assert returnee.handover == Handover.ACCEPTED
    order = services.order_issue(
        actor=world.users["community_B"], returnee_id=returnee.pk, start_date=timezone.localdate()
    )
    services.followup_record(
        actor=world.users["community_B"],
        order_id=order.pk,
        method="phone",
        status="reached",
        temperature="36.5",
    )
    # The sending community sees neither the order nor its follow-ups.
    a = world.users["community_A"]
    assert not selectors.person_quarantines(user=a, person=order.person).exists()
    assert not FollowUp.objects.visible_to(a).exists()
    assert FollowUp.objects.visible_to(world.users["community_B"]).count() == 1
    assert FollowUp.objects.visible_to(world.users["street_B"]).count() == 1


def test_handover_return_needs_a_reason(world):
    returnee = register(world, "community_A", "B1")
    with pytest.raises(ValidationError):
        services.handover_return(actor=world.users["community_B"], returnee_id=returnee.pk, reason="")
    services.handover_return(actor=world.users["community_B"], returnee_id=returnee.pk, reason="查无此人")
    returnee.refresh_from_db()
    assert returnee.handover == Handover.RETURNED and returnee.handover_reason == "查无此人"


def test_community_worker_of_b_sees_none_of_a(world):
    register(world, "community_A", "A1")
    register(world, "community_A", "A2")
    assert not Returnee.objects.visible_to(world.users["community_B"]).exists()
    assert not Returnee.objects.visible_to(world.users["street_B"]).exists()
    assert Returnee.objects.visible_to(world.users["street_A"]).count() == 2


@under_the_ninth_edition
def test_order_planned_end_from_the_rule_and_changes_need_a_reason(world):
    start = timezone.localdate()
    order = order_for(world, start=start)
    assert order.kind == "centralized" and order.rule_days == 7  # today: 第九版
    assert order.planned_end == start + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        services.order_change_end(
            actor=world.users["community_A"],
            order_id=order.pk,
            new_end=order.planned_end + dt.timedelta(days=7),
            reason="",
        )
    assert "reason" in exc.value.message_dict
    services.order_change_end(
        actor=world.users["community_A"],
        order_id=order.pk,
        new_end=order.planned_end + dt.timedelta(days=7),
        reason="第7天核酸阳性密接",
    )
    order.refresh_from_db()
    assert order.planned_end == start + dt.timedelta(days=14)
    assert order.changes.get().reason == "第7天核酸阳性密接"


def test_release_before_the_rule_end_needs_a_reason(world):
    order = order_for(world)
    with pytest.raises(ValidationError) as exc:
        services.order_release(actor=world.users["community_A"], order_id=order.pk)
    assert "提前解除须填写理由" in exc.value.message_dict["reason"][0]
    order.refresh_from_db()
    assert order.status == "active"
    services.order_release(actor=world.users["community_A"], order_id=order.pk, reason="经专家组评估")
    order.refresh_from_db()
    assert order.status == "released" and order.released_by == world.users["community_A"]
    assert order.release_number.startswith("JC")
    assert not selectors.has_active_quarantine(order.person)


def test_release_at_the_end_needs_no_reason(world):
    order = order_for(world)
    services.order_release(actor=world.users["community_A"], order_id=order.pk, today=order.planned_end)
    order.refresh_from_db()
    assert order.status == "released" and order.release_reason == "隔离期满"


def test_followup_temperature_range(world):
    order = order_for(world)
    with pytest.raises(ValidationError) as exc:
        services.followup_record(
            actor=world.users["community_A"],
            order_id=order.pk,
            method="wechat",
            status="reached",
            temperature="43.0",
        )
    assert exc.value.message_dict["temperature"] == ["体温应在35–42℃之间，请核对"]
    services.followup_record(
        actor=world.users["community_A"], order_id=order.pk, method="phone", status="not_reached"
    )


def test_followups_due_in_the_current_half_day(world):
    first, second = order_for(world), order_for(world)
    morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    services.followup_record(
        actor=world.users["community_A"],
        order_id=first.pk,
        method="visit",
        status="reached",
        temperature="36.6",
        at=morning,
    )
    due = set(selectors.followups_due(user=world.users["community_A"], now=morning.replace(hour=10)))
    assert due == {second}
    # In the afternoon both are due again.
    due = set(selectors.followups_due(user=world.users["community_A"], now=morning.replace(hour=15)))
    assert due == {first, second}
    assert not selectors.followups_due(user=world.users["community_B"], now=morning).exists()


def test_transfer_to_hospital(world):
    order = order_for(world)
    services.order_transfer(actor=world.users["medic_A"], order_id=order.pk, hospital="北碚区人民医院")
    order.refresh_from_db()
    assert order.status == "hospital"
    assert not Order.objects.filter(status="active").exists()


def test_person_quarantines_and_active_flag(world):
    order = order_for(world)
    assert list(selectors.person_quarantines(user=world.users["street_A"], person=order.person)) == [order]
    assert not selectors.person_quarantines(user=world.users["street_B"], person=order.person).exists()
    assert selectors.has_active_quarantine(order.person)


def test_a_new_person_lives_at_the_destination_and_a_known_one_is_reused(world):
    first = register(world, "community_A", "A2", number=id_number(42))
    assert first.person.area == world.areas["A2"] and first.person.address == "某小区1栋1单元"
    again = register(world, "community_A", "A1", number=id_number(42), name="张三")
    assert again.person == first.person
    again.person.refresh_from_db()
    assert again.person.area == world.areas["A2"]  # a known person keeps their record


def test_employer_registration_is_handed_to_the_community(world):
    returnee = register(world, "ent_admin_A", "A1")
    assert returnee.handover == Handover.PENDING
    assert returnee.employer == world.users["ent_admin_A"].scope_enterprise
    assert returnee in Returnee.objects.visible_to(world.users["ent_admin_A"])
    assert returnee in selectors.handover_inbox(user=world.users["community_A"])
    assert not Returnee.objects.visible_to(world.users["ent_admin_B"]).exists()
    with pytest.raises(PermissionDenied):
        services.handover_accept(actor=world.users["ent_admin_A"], returnee_id=returnee.pk)
    services.handover_accept(actor=world.users["community_A"], returnee_id=returnee.pk)
