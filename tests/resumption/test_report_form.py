"""The enterprise admin's daily report page: pre-filled, one per day, refused bad input saves nothing."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fugong.core import fake
from fugong.core.models import AuditAction, AuditEntry
from fugong.health.services import employment_ensure, person_get_or_create
from fugong.resumption import rates, services, tallies
from fugong.resumption.choices import EnterpriseState
from fugong.resumption.models import DailyReport, DailyTally, EnterpriseStatus

from .conftest import make_reporting

TODAY_URL = reverse("resumption:report_today")


def today() -> dt.date:
    return timezone.localdate()


def good_post(**changes) -> dict:
    data = {
        "date": today().isoformat(),
        "staff_on_duty": "80",
        "staff_total": "100",
        "output_pct": "60",
        "output_reason": "",
        "masks_stock": "3000",
        "disinfectant_kg": "40.5",
        "no_anomaly": "on",
        "problems_found": "",
        "problems_solved": "",
        "abnormal_persons": "",
        "problems_note": "",
    }
    return data | changes


def yesterdays_report(enterprise, days_ago: int = 1, **fields) -> DailyReport:
    """A report of an earlier day, written directly (the service only takes today's)."""
    values = {
        "staff_on_duty": 70,
        "staff_total": 90,
        "output_pct": 55,
        "masks_stock": 1200,
        "disinfectant_kg": Decimal("12.5"),
    } | fields
    return DailyReport.objects.create(
        enterprise=enterprise,
        date=today() - dt.timedelta(days=days_ago),
        area_path=enterprise.area_path,
        **values,
    )


def put_on_staff_list(enterprise, n: int) -> None:
    for i in range(n):
        person, _ = person_get_or_create(
            id_number=fake.id_number(700 + i, dt.date(1990, 3, 1 + i)),
            name=f"职工{i}",
            phone=fake.mobile(700 + i),
        )
        employment_ensure(person=person, enterprise=enterprise, is_local=True)


def state_of(enterprise) -> str:
    return EnterpriseStatus.objects.get(enterprise=enterprise).state


# --- pre-filling -----------------------------------------------------------------------------------


def test_first_report_takes_the_staff_total_from_the_registry_when_there_is_no_staff_list(world, client_for):
    response = client_for("ent_admin_A").get(TODAY_URL)

    assert response.status_code == 200
    assert response.context["form"].initial == {"date": today(), "staff_total": 100}
    assert "今天是第一次填报日报" in response.content.decode()


def test_the_form_is_prefilled_from_yesterday_and_the_staff_list(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    yesterdays_report(enterprise, output_pct=120, output_reason="赶制防疫物资订单")
    put_on_staff_list(enterprise, 3)

    response = client_for("ent_admin_A").get(TODAY_URL)

    assert response.context["form"].initial == {
        "date": today(),
        "staff_total": 3,
        "staff_on_duty": 3,  # 70 yesterday, but only 3 on the list now
        "output_pct": 120,
        "output_reason": "赶制防疫物资订单",
        "masks_stock": 1200,
        "disinfectant_kg": Decimal("12.5"),
    }
    html = response.content.decode()
    assert "职工总数取自员工名册（3 人）" in html
    assert f"已按 {(today() - dt.timedelta(days=1)).month}月" in html


def test_yesterdays_figures_are_taken_when_the_staff_list_is_empty(world, client_for):
    yesterdays_report(world.enterprises["A1_above_scale"])

    initial = client_for("ent_admin_A").get(TODAY_URL).context["form"].initial

    assert initial == {
        "date": today(),
        "staff_total": 100,
        "staff_on_duty": 70,
        "output_pct": 55,
        "masks_stock": 1200,
        "disinfectant_kg": Decimal("12.5"),
    }


def test_once_reported_the_page_shows_todays_report_for_correction(world, setup, client_for):
    make_reporting(world)
    client = client_for("ent_admin_A")
    client.post(TODAY_URL, good_post(staff_on_duty="77"))

    response = client.get(TODAY_URL)

    assert response.context["form"].initial["staff_on_duty"] == 77
    assert "今日日报已报送" in response.content.decode()
    assert "更新今日日报" in response.content.decode()


# --- submitting ------------------------------------------------------------------------------------


def test_submitting_twice_the_same_day_updates_the_one_report(world, setup, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    services.status_set(actor=world.users["street_A"], enterprise=enterprise, state="approved")
    client = client_for("ent_admin_A")

    first = client.post(TODAY_URL, good_post(), follow=True)

    assert first.redirect_chain == [(TODAY_URL, 302)]
    assert "今日日报已报送" in first.content.decode()
    assert rates.figures(world.areas["A"]).on_duty.as_dict() == {
        "numerator": 80,
        "denominator": 100,
        "rate": 0.8,
    }
    assert state_of(enterprise) == EnterpriseState.RESUMED  # first report with staff on duty

    second = client.post(
        TODAY_URL, good_post(staff_on_duty="90", staff_total="120", output_pct="70"), follow=True
    )

    assert "今日日报已更新（同一天只保留一份，以最后一次提交为准）" in second.content.decode()
    report = DailyReport.objects.get(enterprise=enterprise)
    assert (report.date, report.staff_on_duty, report.staff_total, report.output_pct) == (
        today(),
        90,
        120,
        70,
    )
    figures = rates.figures(world.areas["A"])
    assert figures.on_duty.as_dict() == {"numerator": 90, "denominator": 120, "rate": 0.75}
    assert figures.reporting.numerator == 1
    assert rates.figures(world.areas["B"]).on_duty.numerator == 0
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk), object_repr__contains=enterprise.name)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


def test_no_anomaly_fills_zeros_and_is_stored(world, setup, client_for):
    make_reporting(world)
    client_for("ent_admin_A").post(TODAY_URL, good_post())

    report = DailyReport.objects.get()
    assert (report.no_anomaly, report.problems_found, report.problems_solved, report.abnormal_persons) == (
        True,
        0,
        0,
        0,
    )
    assert report.disinfectant_kg == Decimal("40.5")


def test_problems_and_abnormal_persons_are_reported_with_a_note(world, setup, client_for):
    make_reporting(world)
    data = good_post(
        no_anomaly="",
        problems_found="2",
        problems_solved="1",
        abnormal_persons="1",
        problems_note="2名职工未规范佩戴口罩，已整改；1人低烧，已送发热门诊",
    )
    response = client_for("ent_admin_A").post(TODAY_URL, data)

    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.no_anomaly, report.problems_found, report.problems_solved, report.abnormal_persons) == (
        False,
        2,
        1,
        1,
    )
    assert report.problems_note.startswith("2名职工未规范佩戴口罩")


def test_zeros_typed_by_hand_count_as_no_anomaly(world, setup, client_for):
    make_reporting(world)
    data = good_post(no_anomaly="", problems_found="0", problems_solved="0", abnormal_persons="0")
    client_for("ent_admin_A").post(TODAY_URL, data)

    assert DailyReport.objects.get().no_anomaly is True


def test_over_100_percent_with_a_reason_is_accepted(world, setup, client_for):
    make_reporting(world)
    client_for("ent_admin_A").post(TODAY_URL, good_post(output_pct="130", output_reason="加班生产防护服"))

    report = DailyReport.objects.get()
    assert (report.output_pct, report.output_reason) == (130, "加班生产防护服")


# --- bad input -------------------------------------------------------------------------------------

BAD = [
    pytest.param({"masks_stock": "-1"}, "库存不能为负数", id="negative-masks"),
    pytest.param({"disinfectant_kg": "-0.5"}, "库存不能为负数", id="negative-disinfectant"),
    pytest.param({"staff_on_duty": "120"}, "今日到岗人数不能超过职工总数", id="on-duty-over-total"),
    pytest.param({"staff_on_duty": "-3"}, "人数不能为负数", id="negative-on-duty"),
    pytest.param({"output_pct": "130"}, "产能超过100%时请说明原因", id="over-100-without-reason"),
    pytest.param({"output_pct": "250", "output_reason": "x"}, "产能恢复最多填 200%", id="over-200"),
    pytest.param({"date": "__yesterday__"}, "只能填报或修改当天的日报（当天24时截止）", id="yesterday"),
    pytest.param({"date": "__tomorrow__"}, "只能填报或修改当天的日报（当天24时截止）", id="tomorrow"),
    pytest.param(
        {"problems_found": "2"}, "已选择“今日无异常”，发现问题数和健康异常人数应为 0", id="contradiction"
    ),
    pytest.param(
        {"no_anomaly": "", "abnormal_persons": "1", "problems_found": "0", "problems_solved": "0"},
        "发现问题或有健康异常人员时，请简要说明情况及处置",
        id="abnormal-without-note",
    ),
    pytest.param({"no_anomaly": ""}, "请填写（没有请填 0），或点选“今日无异常”", id="counts-left-blank"),
]


def _resolve_dates(changes: dict) -> dict:
    shift = {"__yesterday__": -1, "__tomorrow__": 1}
    return {
        k: (today() + dt.timedelta(days=shift[v])).isoformat() if v in shift else v
        for k, v in changes.items()
    }


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(world, setup, client_for, changes, message):
    enterprise = world.enterprises["A1_above_scale"]
    services.status_set(actor=world.users["street_A"], enterprise=enterprise, state="approved")
    audit_before = AuditEntry.objects.count()

    response = client_for("ent_admin_A").post(TODAY_URL, good_post(**_resolve_dates(changes)))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "本次未保存" in html or message in html
    assert not DailyReport.objects.exists()
    assert not DailyTally.objects.exists()
    assert state_of(enterprise) == EnterpriseState.APPROVED
    assert AuditEntry.objects.count() == audit_before


def test_a_refused_correction_leaves_the_days_report_and_tallies_as_they_were(world, setup, client_for):
    make_reporting(world)
    client = client_for("ent_admin_A")
    client.post(TODAY_URL, good_post())
    before = DailyReport.objects.values().get()

    response = client.post(TODAY_URL, good_post(staff_on_duty="150"))

    assert "今日到岗人数不能超过职工总数" in response.content.decode()
    assert DailyReport.objects.values().get() == before
    assert rates.figures(world.areas["A"]).on_duty.as_dict() == {
        "numerator": 80,
        "denominator": 100,
        "rate": 0.8,
    }


# --- who may report ---------------------------------------------------------------------------------


def test_another_enterprises_admin_cannot_post_for_it(world, setup, client_for):
    a = world.enterprises["A1_above_scale"]
    response = client_for("ent_admin_B").post(TODAY_URL, good_post(enterprise=str(a.pk)))

    assert response.status_code == 403
    assert not DailyReport.objects.exists()
    assert not DailyTally.objects.exists()


def test_another_enterprises_admin_cannot_open_its_report(world, setup, client_for):
    make_reporting(world)
    client_for("ent_admin_A").post(TODAY_URL, good_post())
    report = DailyReport.objects.get()

    assert (
        client_for("ent_admin_B").get(reverse("resumption:report_detail", args=[report.pk])).status_code
        == 404
    )
    own = client_for("ent_admin_A").get(reverse("resumption:report_detail", args=[report.pk]))
    assert own.status_code == 200
    assert "修改今日日报" in own.content.decode()


@pytest.mark.parametrize(
    "name", ["street_A", "commissioner_A", "leader", "employee_A", "resident_A", "sysadmin"]
)
def test_only_enterprise_admins_fill_the_report(world, setup, client_for, name):
    client = client_for(name)

    assert client.get(TODAY_URL).status_code == 403
    assert client.post(TODAY_URL, good_post()).status_code == 403
    assert client.get(reverse("resumption:report_list_mine")).status_code == 403
    assert not DailyReport.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    response = client.post(TODAY_URL, good_post())

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not DailyReport.objects.exists()


# --- the admin's own list ---------------------------------------------------------------------------


def test_my_reports_are_newest_first_and_only_mine(world, setup, client_for):
    a, b = world.enterprises["A1_above_scale"], world.enterprises["B1_above_scale"]
    for days_ago in (3, 1, 2):
        yesterdays_report(a, days_ago)
    yesterdays_report(b)

    response = client_for("ent_admin_A").get(reverse("resumption:report_list_mine"))

    rows = [(r.enterprise_id, (today() - r.date).days) for r in response.context["page"]]
    assert rows == [(a.pk, 1), (a.pk, 2), (a.pk, 3)]
    assert b.name not in response.content.decode()


# --- two first submissions at once --------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_first_submissions_at_once_end_in_one_report_and_consistent_tallies(world, monkeypatch):
    make_reporting(world)
    """Both requests find no report, both insert: the later one meets the one-per-day constraint,
    is retried as an update, and the tallies count one report with the later figures."""
    tallies.status_rebuild()
    enterprise = world.enterprises["A1_above_scale"]
    admin = world.users["ent_admin_A"]
    both_looked = threading.Barrier(2, timeout=10)
    original_save = DailyReport.save

    def save(self, *args, **kwargs):
        if self.pk is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_looked.wait()
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(DailyReport, "save", save)
    original_write, writes = services.reports._daily_report_write, []

    def write(*args):
        writes.append(args[2])
        return original_write(*args)

    monkeypatch.setattr(services.reports, "_daily_report_write", write)
    results, errors = [], []

    def submit(on_duty: int) -> None:
        try:
            fields = {
                "staff_on_duty": on_duty,
                "staff_total": 100,
                "output_pct": 50,
                "masks_stock": 10,
                "disinfectant_kg": Decimal(1),
                "no_anomaly": True,
            }
            results.append(
                services.daily_report_submit(actor=admin, enterprise=enterprise, date=today(), **fields)
            )
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in (60, 70)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(writes) == 3  # one each, and the loser's retry as an update
    assert sorted(created for _, created in results) == [False, True]
    report = DailyReport.objects.get(enterprise=enterprise)
    figures = rates.figures(world.areas["A"])
    assert figures.reporting.numerator == 1
    assert figures.on_duty.numerator == report.staff_on_duty
    assert figures.on_duty.denominator == 100
