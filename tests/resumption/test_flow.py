"""Filing → review → status → daily report, and the rates' tallies against counts done by hand."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fugong.enterprises.services import enterprise_update
from fugong.resumption import services
from fugong.resumption.choices import EnterpriseState, FilingStatus
from fugong.resumption.models import DailyTally, EnterpriseStatus, FilingTransition, StatusTally

from .conftest import good_filing_fields, make_reporting, roster_rows


def tally(area, category="above_scale", industry="C"):
    return StatusTally.objects.get(area=area, category=category, industry=industry)


def submit_good_filing(world, commitment, key="A1_above_scale", admin="ent_admin_A"):
    enterprise = world.enterprises[key]
    filing = services.filing_save(
        actor=world.users[admin],
        enterprise=enterprise,
        roster=roster_rows(4, local=3),
        **good_filing_fields(timezone.localdate()),
    )
    return services.filing_submit(
        actor=world.users[admin], filing=filing, signatory_name="王建国", commitment=commitment
    )


def test_rebuilt_tallies_match_the_registry(world, setup):
    assert tally(world.areas["district"]).registered == 2  # A1 and B1 each have one 规上 C firm
    assert tally(world.areas["A"]).registered == 1
    assert tally(world.areas["A1"]).registered == 1
    assert tally(world.areas["district"]).resumed == 0


def test_a_review_filing_enters_the_queue_with_a_deadline_and_priority(world, setup):
    filing = submit_good_filing(world, setup)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.holder_area == world.areas["A"]
    assert filing.unmet_conditions == []
    # Both dates on the district's clock: submitted_at is read back in UTC, deadline_at in local time.
    deadline, submitted = timezone.localdate(filing.deadline_at), timezone.localdate(filing.submitted_at)
    assert deadline.weekday() < 5
    assert 2 <= (deadline - submitted).days <= 4
    assert filing.priority_parts == {
        "local_share": 30.0,
        "small_scale": 15.0,
        "ventilation": 20.0,
        "supplies": 15.0,
    }
    assert filing.priority_score == 80.0
    assert world.enterprises["A1_above_scale"].employments.count() == 4


def test_another_streets_officer_cannot_decide(world, setup):
    filing = submit_good_filing(world, setup)
    with pytest.raises(PermissionDenied):
        services.filing_decide(
            actor=world.users["street_B"],
            filing_id=filing.pk,
            decision="approve",
            reason="同意",
            version=filing.version,
        )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_unmet_conditions_block_approval_and_name_what_is_missing(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    fields = good_filing_fields(timezone.localdate()) | {"has_isolation_room": False, "masks_days": 3}
    filing = services.filing_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        roster=roster_rows(2, local=2, abnormal=1),
        **fields,
    )
    filing = services.filing_submit(
        actor=world.users["ent_admin_A"], filing=filing, signatory_name="王建国", commitment=setup
    )
    assert [u["code"] for u in filing.unmet_conditions] == ["masks", "isolation", "healthy"]
    with pytest.raises(ValidationError, match="不符合条件的一律不准复工"):
        services.filing_decide(
            actor=world.users["street_A"],
            filing_id=filing.pk,
            decision="approve",
            reason="同意",
            version=filing.version,
        )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    returned = services.filing_decide(
        actor=world.users["street_A"],
        filing_id=filing.pk,
        decision="return",
        reason="请补充口罩储备并设置隔离室",
        version=filing.version,
    )
    assert returned.status == FilingStatus.RETURNED


def test_two_reviewers_acting_at_once_cannot_both_win(world, setup):
    filing = submit_good_filing(world, setup)
    seen_version = filing.version
    services.filing_decide(
        actor=world.users["street_A"],
        filing_id=filing.pk,
        decision="approve",
        reason="同意",
        version=seen_version,
    )
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.filing_decide(
            actor=world.users["sysadmin"],
            filing_id=filing.pk,
            decision="reject",
            reason="不同意",
            version=seen_version,
        )
    assert FilingTransition.objects.filter(filing=filing).count() == 2  # submitted, approved


def test_approval_then_first_report_makes_the_firm_count_as_resumed(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    filing = submit_good_filing(world, setup)
    services.filing_decide(
        actor=world.users["street_A"],
        filing_id=filing.pk,
        decision="approve",
        reason="同意",
        version=filing.version,
    )
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.APPROVED
    assert tally(world.areas["district"]).resumed == 0

    today = timezone.localdate()
    services.daily_report_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        date=today,
        staff_on_duty=80,
        staff_total=100,
        output_pct=60,
        masks_stock=3000,
        disinfectant_kg=40,
        no_anomaly=True,
    )
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.RESUMED
    for key in ("district", "A", "A1"):
        assert tally(world.areas[key]).resumed == 1
    assert tally(world.areas["B"]).resumed == 0
    day = DailyTally.objects.get(date=today, area=world.areas["A"], category="above_scale", industry="C")
    assert (day.reports, day.staff_on_duty, day.staff_total, day.output_pct_sum) == (1, 80, 100, 60)


def test_correcting_the_days_report_replaces_it_in_the_tallies(world, setup):
    make_reporting(world)
    enterprise = world.enterprises["A1_above_scale"]
    today = timezone.localdate()
    base = {"staff_total": 100, "masks_stock": 100, "disinfectant_kg": 5, "no_anomaly": True}
    services.daily_report_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        date=today,
        staff_on_duty=50,
        output_pct=40,
        **base,
    )
    services.daily_report_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        date=today,
        staff_on_duty=70,
        output_pct=55,
        **base,
    )
    assert enterprise.daily_reports.count() == 1
    day = DailyTally.objects.get(
        date=today, area=world.areas["district"], category="above_scale", industry="C"
    )
    assert (day.reports, day.staff_on_duty, day.output_pct_sum, day.output_weighted) == (1, 70, 55, 5500)
    assert day.duty_ratio_sum == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"staff_on_duty": 120}, "到岗人数不能超过职工总数"),
        ({"output_pct": 130}, "产能超过100%时请说明原因"),
    ],
)
def test_bad_reports_are_refused_and_tallies_untouched(world, setup, changes, message):
    enterprise = world.enterprises["A1_above_scale"]
    fields = {
        "staff_on_duty": 50,
        "staff_total": 100,
        "output_pct": 40,
        "masks_stock": 100,
        "disinfectant_kg": 5,
        "no_anomaly": True,
    } | changes
    with pytest.raises(ValidationError, match=message):
        services.daily_report_save(
            actor=world.users["ent_admin_A"], enterprise=enterprise, date=timezone.localdate(), **fields
        )
    assert not DailyTally.objects.exists()


def test_reports_for_another_day_or_enterprise_are_refused(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    fields = {"staff_on_duty": 5, "staff_total": 10, "output_pct": 40, "masks_stock": 1, "disinfectant_kg": 1}
    with pytest.raises(ValidationError, match="只能填报或修改当天的日报"):
        services.daily_report_save(
            actor=world.users["ent_admin_A"],
            enterprise=enterprise,
            date=timezone.localdate() - dt.timedelta(days=1),
            **fields,
        )
    with pytest.raises(PermissionDenied):
        services.daily_report_save(
            actor=world.users["ent_admin_B"], enterprise=enterprise, date=timezone.localdate(), **fields
        )


def test_a_filing_only_category_resumes_on_filing_when_conditions_are_met(world, setup):
    from fugong.accounts.models import User

    admin = User.objects.create(
        username="admin_commerce",
        full_name="商贸管理员",
        role="enterprise_admin",
        scope_enterprise=world.enterprises["A1_commerce"],
    )
    world.users["admin_commerce"] = admin
    filing = submit_good_filing(world, setup, key="A1_commerce", admin="admin_commerce")
    assert filing.status == FilingStatus.FILED
    assert filing.deadline_at is None
    assert (
        EnterpriseStatus.objects.get(enterprise=world.enterprises["A1_commerce"]).state
        == EnterpriseState.FILED
    )


def test_out_of_scope_firms_leave_the_denominator_with_a_reason(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    with pytest.raises(ValidationError):
        services.status_set_out_of_scope(
            actor=world.users["street_A"], enterprise=enterprise, out_of_scope=True, reason=" "
        )
    services.status_set_out_of_scope(
        actor=world.users["street_A"], enterprise=enterprise, out_of_scope=True, reason="企业已于2019年停产"
    )
    assert tally(world.areas["A"]).out_of_scope == 1
    assert tally(world.areas["district"]).out_of_scope == 1


def test_moving_an_enterprise_moves_its_counts(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    enterprise_update(actor=world.users["street_A"], enterprise=enterprise, area=world.areas["A2"])
    assert tally(world.areas["A1"]).registered == 0
    assert tally(world.areas["A2"]).registered == 1
    assert tally(world.areas["A"]).registered == 1


def test_suspension_needs_a_reason_and_follows_the_state_flow(world, setup):
    enterprise = world.enterprises["B1_above_scale"]
    with pytest.raises(ValidationError, match="不能变更为"):
        services.status_set(
            actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.RESUMED
        )
    services.status_set(actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.APPROVED)
    services.status_set(actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.RESUMED)
    with pytest.raises(ValidationError, match="停工整改必须填写理由"):
        services.status_set(
            actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.SUSPENDED
        )
    services.status_set(
        actor=world.users["street_B"],
        enterprise=enterprise,
        state=EnterpriseState.SUSPENDED,
        reason="督查发现员工未戴口罩，责令整改",
    )
    assert tally(world.areas["B"]).resumed == 0
    services.status_set(
        actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.RESUMED_AGAIN
    )
    assert tally(world.areas["B"]).resumed == 1
    assert [c.to_state for c in enterprise.status_changes.all()] == [
        "approved",
        "resumed",
        "suspended",
        "resumed_again",
    ]


def test_planned_date_in_the_past_is_refused(world, setup):
    with pytest.raises(ValidationError, match="计划复工日期不能早于今天"):
        services.filing_save(
            actor=world.users["ent_admin_A"],
            enterprise=world.enterprises["A1_above_scale"],
            roster=[],
            **good_filing_fields(timezone.localdate() - dt.timedelta(days=1)),
        )


def test_rates_read_back_what_the_flow_did(world, setup):
    from fugong.resumption import rates

    enterprise = world.enterprises["A1_above_scale"]
    filing = submit_good_filing(world, setup)
    services.filing_decide(
        actor=world.users["street_A"],
        filing_id=filing.pk,
        decision="approve",
        reason="同意",
        version=filing.version,
    )
    services.daily_report_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        date=timezone.localdate(),
        staff_on_duty=80,
        staff_total=100,
        output_pct=60,
        masks_stock=3000,
        disinfectant_kg=40,
        no_anomaly=True,
    )
    street = rates.figures(world.areas["A"])
    # Street A has three enterprises (规上, 商贸, 个体) and one of them is back.
    assert street.resumption.as_dict() == {"numerator": 1, "denominator": 3, "rate": 0.3333}
    assert street.on_duty.as_dict() == {"numerator": 80, "denominator": 100, "rate": 0.8}
    assert street.on_duty_average == 0.8
    assert street.capacity.rate == 0.6 and street.capacity_average == 0.6
    district = rates.figures(world.areas["district"], categories=["above_scale"])
    assert district.resumption.as_dict() == {"numerator": 1, "denominator": 2, "rate": 0.5}
    street_b = rates.figures(world.areas["B"])
    assert street_b.resumption.numerator == 0 and street_b.on_duty.denominator == 0


def test_manual_status_changes_need_the_right_role_scope_and_state(world, setup):
    enterprise = world.enterprises["B1_above_scale"]
    services.status_set(actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.APPROVED)
    services.status_set(actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.RESUMED)
    with pytest.raises(PermissionDenied):
        services.status_change(
            actor=world.users["commissioner_B"],
            enterprise=enterprise,
            state=EnterpriseState.SUSPENDED,
            reason="未戴口罩",
        )
    with pytest.raises(PermissionDenied):
        services.status_change(
            actor=world.users["street_A"],
            enterprise=enterprise,
            state=EnterpriseState.SUSPENDED,
            reason="未戴口罩",
        )
    with pytest.raises(ValidationError, match="只能手动设置"):
        services.status_change(
            actor=world.users["street_B"], enterprise=enterprise, state=EnterpriseState.APPROVED, reason="x"
        )
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.RESUMED
    services.status_change(
        actor=world.users["street_B"],
        enterprise=enterprise,
        state=EnterpriseState.SUSPENDED,
        reason="督查发现未落实测温",
    )
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.SUSPENDED


def test_a_suspended_firm_files_again_and_is_approved(world, setup):
    enterprise = world.enterprises["A1_above_scale"]
    for state in (EnterpriseState.APPROVED, EnterpriseState.RESUMED):
        services.status_set(actor=world.users["street_A"], enterprise=enterprise, state=state)
    services.status_change(
        actor=world.users["street_A"],
        enterprise=enterprise,
        state=EnterpriseState.SUSPENDED,
        reason="停工整改",
    )
    filing = submit_good_filing(world, setup)
    services.filing_decide(
        actor=world.users["street_A"],
        filing_id=filing.pk,
        decision="approve",
        reason="整改到位",
        version=filing.version,
    )
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.APPROVED


def test_the_mode_is_the_one_in_force_when_submitting(world, setup):
    from fugong.resumption.models import CategoryPolicy

    enterprise = world.enterprises["A1_above_scale"]
    draft = services.filing_save(
        actor=world.users["ent_admin_A"],
        enterprise=enterprise,
        roster=roster_rows(2, local=2),
        **good_filing_fields(timezone.localdate()),
    )
    CategoryPolicy.objects.filter(category="above_scale").update(mode="filing")
    filing = services.filing_submit(
        actor=world.users["ent_admin_A"], filing=draft, signatory_name="王建国", commitment=setup
    )
    assert filing.status == FilingStatus.FILED


def test_an_ended_condition_stays_ended_even_if_an_older_version_was_open(world, setup):
    from fugong.resumption.models import Condition
    from fugong.resumption.rules import conditions_in_force

    Condition.objects.create(
        code="masks",
        title="口罩储备满足3天使用",
        rule="mask_days",
        threshold=3,
        effective_from=dt.date(2020, 3, 1),
        effective_to=dt.date(2020, 3, 31),
    )
    on = dt.date(2020, 4, 10)
    assert "masks" not in [c.code for c in conditions_in_force(category="above_scale", on=on)]
    assert [
        c.threshold
        for c in conditions_in_force(category="above_scale", on=dt.date(2020, 3, 10))
        if c.code == "masks"
    ] == [3]


def test_only_firms_expected_to_report_may_report_and_they_make_the_denominator(world, setup):
    from fugong.resumption import rates

    enterprise = world.enterprises["A1_above_scale"]
    fields = {"staff_on_duty": 5, "staff_total": 10, "output_pct": 40, "masks_stock": 1, "disinfectant_kg": 1}
    with pytest.raises(ValidationError, match="完成复工备案（或审核通过）后再报送企业日报"):
        services.daily_report_save(
            actor=world.users["ent_admin_A"], enterprise=enterprise, date=timezone.localdate(), **fields
        )
    assert rates.figures(world.areas["A"]).reporting.as_dict() == {
        "numerator": 0,
        "denominator": 0,
        "rate": None,
    }

    services.status_set(actor=world.users["street_A"], enterprise=enterprise, state=EnterpriseState.APPROVED)
    services.status_set(
        actor=world.users["street_A"],
        enterprise=world.enterprises["A1_commerce"],
        state=EnterpriseState.FILED,
    )
    services.daily_report_save(
        actor=world.users["ent_admin_A"], enterprise=enterprise, date=timezone.localdate(), **fields
    )
    # Two firms of street A are expected to report (approved, filed); one has.
    assert rates.figures(world.areas["A"]).reporting.as_dict() == {
        "numerator": 1,
        "denominator": 2,
        "rate": 0.5,
    }


def test_the_review_clock_counts_working_days_on_the_districts_calendar():
    import zoneinfo

    from fugong.core.workdays import add_working_days

    chongqing = zoneinfo.ZoneInfo("Asia/Shanghai")
    sunday_morning = dt.datetime(2026, 11, 22, 5, 36, tzinfo=chongqing)  # Saturday 21:36 in UTC
    deadline = add_working_days(sunday_morning.astimezone(dt.UTC), 2)
    assert deadline.astimezone(chongqing) == dt.datetime(2026, 11, 24, 5, 36, tzinfo=chongqing)
    friday = dt.datetime(2026, 11, 20, 16, 0, tzinfo=chongqing)
    assert add_working_days(friday, 2).astimezone(chongqing).date() == dt.date(2026, 11, 24)
