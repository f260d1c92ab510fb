"""The daily summary (日报) against counts done by hand: the table, the total and the text."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from fugong.enterprises.models import Enterprise
from fugong.resumption import services
from fugong.resumption.choices import RESUMED_STATES, EnterpriseState
from fugong.resumption.models import DailyReport
from fugong.resumption.summary import build_summary, percent, summary_for

from .test_flow import submit_good_filing

REPORT = {"masks_stock": 3000, "disinfectant_kg": 40, "no_anomaly": True}


def make_resumption(world, commitment) -> None:
    """Given: A's 规上 firm approved on review and reporting (80 of 100 on duty, output 60%); B's 规上
    firm approved and reporting (45 of 60, output 50%); A's 商贸 firm out of scope (stopped anyway)."""
    users, firms, today = world.users, world.enterprises, timezone.localdate()
    filing = submit_good_filing(world, commitment)
    services.filing_decide(
        actor=users["street_A"],
        filing_id=filing.pk,
        decision="approve",
        reason="同意",
        version=filing.version,
    )
    services.daily_report_save(
        actor=users["ent_admin_A"],
        enterprise=firms["A1_above_scale"],
        date=today,
        staff_on_duty=80,
        staff_total=100,
        output_pct=60,
        **REPORT,
    )
    services.status_set(
        actor=users["street_B"], enterprise=firms["B1_above_scale"], state=EnterpriseState.APPROVED
    )
    services.daily_report_save(
        actor=users["ent_admin_B"],
        enterprise=firms["B1_above_scale"],
        date=today,
        staff_on_duty=45,
        staff_total=60,
        output_pct=50,
        **REPORT,
    )
    services.status_set_out_of_scope(
        actor=users["street_A"],
        enterprise=firms["A1_commerce"],
        out_of_scope=True,
        reason="企业已于2019年停业",
    )


def hand_count(path: str, categories=None) -> dict:
    """The same figures counted from the raw rows (what the tallies must agree with)."""
    firms = Enterprise.objects.filter(area_path__startswith=path)
    if categories:
        firms = firms.filter(category__in=categories)
    out = firms.filter(status__out_of_scope=True)
    reports = DailyReport.objects.filter(enterprise__in=firms, date=timezone.localdate())
    return {
        "registered": firms.count(),
        "out_of_scope": out.count(),
        "resumed": firms.exclude(pk__in=out).filter(status__state__in=RESUMED_STATES).count(),
        "reports": reports.count(),
        "staff_on_duty": sum(r.staff_on_duty for r in reports),
        "staff_total": sum(r.staff_total for r in reports),
    }


def counted(row) -> dict:
    return {
        k: getattr(row, k)
        for k in ("registered", "out_of_scope", "resumed", "reports", "staff_on_duty", "staff_total")
    }


def day_label() -> str:
    today = timezone.localdate()
    return f"截至{today.month}月{today.day}日"


def test_district_summary_agrees_with_a_hand_count(world, setup):
    make_resumption(world, setup)

    summary = build_summary(area=world.areas["district"], day=timezone.localdate())

    assert [r.name for r in summary.rows] == ["天生街道", "朝阳街道"]
    assert counted(summary.total) == hand_count(world.areas["district"].path)
    assert counted(summary.total) == {
        "registered": 6,
        "out_of_scope": 1,
        "resumed": 2,
        "reports": 2,
        "staff_on_duty": 125,
        "staff_total": 160,
    }
    assert summary.total.in_scope == 5
    assert summary.total.resumption_rate == pytest.approx(0.4)
    assert summary.total.on_duty_rate == pytest.approx(125 / 160)
    assert summary.total.on_duty_average == pytest.approx(0.775)  # (0.80 + 0.75) / 2
    assert summary.total.capacity_rate == pytest.approx((60 * 100 + 50 * 60) / 100 / 160)
    assert summary.total.capacity_average == pytest.approx(0.55)
    for row, key in zip(summary.rows, ("A", "B"), strict=True):
        assert counted(row) == hand_count(world.areas[key].path)


def test_district_text_states_the_exact_numbers(world, setup):
    make_resumption(world, setup)

    summary = build_summary(area=world.areas["district"], day=timezone.localdate())

    assert summary.text == (
        f"{day_label()}，全区登记企业6家（不纳入统计1家），复工复产2家，复工复产率40%；"
        "报送日报企业2家，到岗员工125人，到岗率78.1%（各企业平均77.5%），产能恢复率56.3%（各企业平均55%）。"
        "其中，天生街道登记企业3家（不纳入统计1家），复工复产1家，复工复产率50%，到岗率80%；"
        "朝阳街道登记企业3家，复工复产1家，复工复产率33.3%，到岗率75%。"
    )


def test_street_summary_lists_its_communities(world, setup):
    make_resumption(world, setup)

    summary = build_summary(area=world.areas["A"], day=timezone.localdate())

    assert [(r.name, r.registered, r.out_of_scope, r.in_scope, r.resumed) for r in summary.rows] == [
        ("西南大学南社区", 2, 1, 1, 1),
        ("天生桥社区", 1, 0, 1, 0),
    ]
    assert counted(summary.total) == hand_count(world.areas["A"].path)
    assert summary.text == (
        f"{day_label()}，天生街道登记企业3家（不纳入统计1家），复工复产1家，复工复产率50%；"
        "报送日报企业1家，到岗员工80人，到岗率80%（各企业平均80%），产能恢复率60%（各企业平均60%）。"
        "其中，西南大学南社区登记企业2家（不纳入统计1家），复工复产1家，复工复产率100%，到岗率80%；"
        "天生桥社区登记企业1家，复工复产0家，复工复产率0%，当日无日报。"
    )


def test_a_department_officer_counts_only_their_sectors(world, setup):
    make_resumption(world, setup)
    officer = world.users["dept"]  # 经信委: 规上工业 and 规下工业

    summary = summary_for(user=officer, code=None, day=timezone.localdate())

    assert summary.area_code == world.areas["district"].code
    assert counted(summary.total) == hand_count(world.areas["district"].path, ["above_scale", "below_scale"])
    assert (summary.total.registered, summary.total.resumed) == (2, 2)
    assert summary.text.startswith(
        f"{day_label()}，全区（规上工业、规下工业）登记企业2家，复工复产2家，复工复产率100%；"
    )


def test_scope_is_enforced_before_anything_is_read(world, setup):
    today = timezone.localdate()
    with pytest.raises(Http404):
        summary_for(user=world.users["street_A"], code=world.areas["B"].code, day=today)
    with pytest.raises(Http404):
        summary_for(user=world.users["street_A"], code=world.areas["district"].code, day=today)
    with pytest.raises(PermissionDenied):
        summary_for(user=world.users["resident_A"], code=None, day=today)
    assert summary_for(user=world.users["street_A"], code=None, day=today).area_name == "天生街道"


def test_a_past_day_without_snapshot_says_the_counts_are_missing(world, setup):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    summary = build_summary(area=world.areas["district"], day=yesterday)

    assert summary.total.registered is None
    assert summary.text == (
        f"截至{yesterday.month}月{yesterday.day}日，全区企业复工数据暂缺（当日未留存晚间快照）；当日无企业报送日报。"
        "其中，天生街道企业复工数据暂缺（当日未留存晚间快照），当日无日报；"
        "朝阳街道企业复工数据暂缺（当日未留存晚间快照），当日无日报。"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.5625, "56.3%"), (1.0, "100%"), (0.0, "0%"), (2 / 3, "66.7%"), (0.885, "88.5%"), (None, "—")],
)
def test_percentages_round_half_up_to_one_decimal(value, text):
    assert percent(value) == text
