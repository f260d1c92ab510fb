"""The officials' side of the daily reports: who is missing, the day's reports, one report, the export."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core import fake
from fugong.enterprises.models import Enterprise
from fugong.resumption import services
from fugong.resumption.models import DailyReport, EnterpriseStatus

MISSING_URL = reverse("resumption:reports_missing")
LIST_URL = reverse("resumption:report_list")
EXPORT_URL = reverse("resumption:reports_missing_export")
FIELDS = {
    "staff_on_duty": 80,
    "staff_total": 100,
    "output_pct": 60,
    "masks_stock": 3000,
    "disinfectant_kg": Decimal("40.5"),
    "no_anomaly": True,
}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def expected(world, setup):
    """Given: A1 规上 approved, A1 商贸 filed, A2 个体 approved but out of scope; B1 规上 approved,
    B1 商贸 resumed, B1 个体 suspended. Four firms should report today."""
    e, street_a, street_b = world.enterprises, world.users["street_A"], world.users["street_B"]
    services.status_set(actor=street_a, enterprise=e["A1_above_scale"], state="approved")
    services.status_set(actor=street_a, enterprise=e["A1_commerce"], state="filed")
    services.status_set(actor=street_a, enterprise=e["A2_individual"], state="approved")
    services.status_set_out_of_scope(
        actor=street_a, enterprise=e["A2_individual"], out_of_scope=True, reason="已停产"
    )
    services.status_set(actor=street_b, enterprise=e["B1_above_scale"], state="approved")
    services.status_set(actor=street_b, enterprise=e["B1_commerce"], state="approved")
    services.status_set(actor=street_b, enterprise=e["B1_commerce"], state="resumed")
    services.status_set(actor=street_b, enterprise=e["B1_individual"], state="approved")
    services.status_set(actor=street_b, enterprise=e["B1_individual"], state="suspended", reason="未落实测温")
    return world


def keys(world, enterprises) -> set[str]:
    names = {e.pk: k for k, e in world.enterprises.items()}
    return {names[e.pk] for e in enterprises}


def missing_for(client_for, world, name: str, **params) -> set[str]:
    response = client_for(name).get(MISSING_URL, params)
    assert response.status_code == 200
    return keys(world, response.context["page"].object_list)


def report(world, key: str, **changes) -> DailyReport:
    admin = {"A1_above_scale": "ent_admin_A", "B1_above_scale": "ent_admin_B"}[key]
    saved, _ = services.daily_report_submit(
        actor=world.users[admin], enterprise=world.enterprises[key], date=today(), **(FIELDS | changes)
    )
    return saved


def direct_report(enterprise, day: dt.date, **changes) -> DailyReport:
    return DailyReport.objects.create(
        enterprise=enterprise, date=day, area_path=enterprise.area_path, **(FIELDS | changes)
    )


# --- the missing list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("street_A", {"A1_above_scale", "A1_commerce"}),
        ("street_B", {"B1_above_scale", "B1_commerce"}),
        ("commissioner_A", {"A1_above_scale"}),  # assigned to A1 规上 only
        ("commissioner_B", {"B1_above_scale"}),
        ("community_A", {"A1_above_scale", "A1_commerce"}),
        ("leader", {"A1_above_scale", "A1_commerce", "B1_above_scale", "B1_commerce"}),
    ],
)
def test_the_missing_list_is_exactly_the_expected_firms_in_scope(expected, client_for, name, missing):
    assert missing_for(client_for, expected, name) == missing


def test_a_firm_leaves_the_missing_list_once_it_reports(expected, client_for):
    report(expected, "A1_above_scale")

    assert missing_for(client_for, expected, "street_A") == {"A1_commerce"}
    assert missing_for(client_for, expected, "commissioner_A") == set()
    assert missing_for(client_for, expected, "leader") == {"A1_commerce", "B1_above_scale", "B1_commerce"}


def test_the_empty_state_says_everyone_reported(expected, client_for):
    report(expected, "A1_above_scale")

    response = client_for("commissioner_A").get(MISSING_URL)

    assert response.context["page"].paginator.count == 0
    assert "今日应报企业均已报送" in response.content.decode()


def test_the_missing_list_of_an_earlier_day(expected, client_for):
    yesterday = today() - dt.timedelta(days=1)
    direct_report(expected.enterprises["A1_commerce"], yesterday)
    report(expected, "A1_above_scale")  # today's report does not count for yesterday

    assert missing_for(client_for, expected, "street_A", date=yesterday.isoformat()) == {"A1_above_scale"}


def test_the_missing_list_filters_by_area_and_category(expected, client_for):
    a, b1 = expected.areas["A"].code, expected.areas["B1"].code

    assert missing_for(client_for, expected, "leader", area=a) == {"A1_above_scale", "A1_commerce"}
    assert missing_for(client_for, expected, "leader", category="commerce") == {"A1_commerce", "B1_commerce"}
    assert missing_for(client_for, expected, "leader", area=b1, category="above_scale") == {"B1_above_scale"}
    assert (
        missing_for(client_for, expected, "street_A", area=b1) == set()
    )  # an area out of scope matches nothing


def test_the_missing_list_shows_masked_contacts_and_the_commissioner(expected, client_for):
    firm = expected.enterprises["A1_above_scale"]

    html = client_for("street_A").get(MISSING_URL).content.decode()

    assert firm.credit_code in html
    assert firm.contact_phone not in html
    assert f"{firm.contact_phone[:3]}****{firm.contact_phone[-4:]}" in html
    assert "commissioner_A" in html
    assert expected.enterprises["B1_above_scale"].name not in html


def test_a_future_date_is_refused_and_today_shown(expected, client_for):
    response = client_for("street_A").get(MISSING_URL, {"date": (today() + dt.timedelta(days=1)).isoformat()})

    assert response.status_code == 200
    assert "不能查询今天以后的日期" in response.content.decode()
    assert response.context["day"] == today()


@pytest.mark.parametrize("name", ["ent_admin_A", "employee_A", "resident_A", "medic_A"])
def test_only_officials_follow_missing_reports(expected, client_for, name):
    client = client_for(name)
    for url in (MISSING_URL, EXPORT_URL, LIST_URL):
        assert client.get(url).status_code == 403


# --- the export ------------------------------------------------------------------------------------


def read_export(response) -> list[tuple]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_the_scoped_missing_list_masked_and_watermarked(expected, client_for):
    a1 = expected.enterprises["A1_above_scale"]
    commerce = expected.enterprises["A1_commerce"]

    rows = read_export(client_for("street_A").get(EXPORT_URL))

    assert rows[0][0].startswith("导出人：street_A（street_A）")
    assert rows[1] == (
        "企业名称",
        "统一社会信用代码",
        "所属区域",
        "企业类别",
        "复工状态",
        "联系人",
        "联系电话",
        "驻企服务专员",
    )
    phone = a1.contact_phone
    assert sorted(rows[2:]) == sorted(
        [
            (
                a1.name,
                a1.credit_code,
                "西南大学南社区",
                "规上工业",
                "已批准",
                a1.contact_name,
                f"{phone[:3]}****{phone[-4:]}",
                "commissioner_A",
            ),
            (
                commerce.name,
                commerce.credit_code,
                "西南大学南社区",
                "商贸服务",
                "已备案",
                commerce.contact_name,
                f"{commerce.contact_phone[:3]}****{commerce.contact_phone[-4:]}",
                None,
            ),
        ]
    )


def test_the_export_follows_the_filters_and_the_commissioners_scope(expected, client_for):
    rows = read_export(client_for("commissioner_B").get(EXPORT_URL, {"category": "above_scale"}))

    assert [r[0] for r in rows[2:]] == [expected.enterprises["B1_above_scale"].name]


# --- the day's reports -----------------------------------------------------------------------------


def test_the_days_reports_in_scope_with_totals(expected, client_for):
    report(expected, "A1_above_scale", staff_on_duty=80, staff_total=100, output_pct=60)
    report(
        expected,
        "B1_above_scale",
        staff_on_duty=45,
        staff_total=50,
        output_pct=130,
        output_reason="加班",
        no_anomaly=False,
        problems_found=2,
        problems_solved=1,
        abnormal_persons=1,
        problems_note="1人发热",
    )
    direct_report(expected.enterprises["A1_commerce"], today() - dt.timedelta(days=1))  # another day

    street_a = client_for("street_A").get(LIST_URL)
    leader = client_for("leader").get(LIST_URL)

    assert keys(expected, [r.enterprise for r in street_a.context["page"]]) == {"A1_above_scale"}
    assert expected.enterprises["B1_above_scale"].name not in street_a.content.decode()
    totals = leader.context["totals"]
    assert {
        k: totals[k]
        for k in (
            "reports",
            "staff_on_duty",
            "staff_total",
            "abnormal_persons",
            "problems_found",
            "problems_solved",
            "no_anomaly",
        )
    } == {
        "reports": 2,
        "staff_on_duty": 125,
        "staff_total": 150,
        "abnormal_persons": 1,
        "problems_found": 2,
        "problems_solved": 1,
        "no_anomaly": 1,
    }
    assert totals["output_average"] == 95
    html = leader.content.decode()
    assert "125 / 150" in html and "130%" in html and "无异常" in html and "有异常" in html


def test_one_report_is_visible_in_scope_and_not_found_outside(expected, client_for):
    saved = report(expected, "A1_above_scale")
    url = reverse("resumption:report_detail", args=[saved.pk])

    for name in ("street_A", "commissioner_A", "leader", "community_A", "ent_admin_A"):
        assert client_for(name).get(url).status_code == 200, name
    for name in ("street_B", "commissioner_B", "community_B", "ent_admin_B"):
        assert client_for(name).get(url).status_code == 404, name
    for name in ("resident_A", "employee_A", "medic_A"):
        assert client_for(name).get(url).status_code == 403, name
    assert (
        client_for("street_A").get(reverse("resumption:report_detail", args=[saved.pk + 999])).status_code
        == 404
    )


def test_a_report_whose_submitter_is_gone_opens_with_a_dash(expected, client_for):
    # A report with no submitter (its account deleted, SET_NULL; or loaded, as in the demo) once
    # answered 500: the template looked up ``updated_by.username`` on None.
    saved = direct_report(expected.enterprises["A1_above_scale"], today())
    assert saved.created_by is None and saved.updated_by is None

    response = client_for("street_A").get(reverse("resumption:report_detail", args=[saved.pk]))

    assert response.status_code == 200
    assert '报送人</dt><dd class="col-7 col-sm-8">—' in response.content.decode()


def test_the_submitter_is_named_on_the_report(expected, client_for):
    saved = report(expected, "A1_above_scale")

    response = client_for("street_A").get(reverse("resumption:report_detail", args=[saved.pk]))

    admin = expected.users["ent_admin_A"]
    assert f'报送人</dt><dd class="col-7 col-sm-8">{admin.full_name or admin.username}' in (
        response.content.decode()
    )


# --- query counts ----------------------------------------------------------------------------------


def add_expected_firms(world, n: int, *, with_reports: bool) -> None:
    """``n`` more approved firms in A1 (with a commissioner), optionally each with today's report."""
    area = world.areas["A1"]
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=fake.credit_code(20000 + i),
                name=f"批量企业{i}号",
                legal_rep_name="张三",
                legal_rep_phone=fake.mobile(20000 + i),
                contact_name="李四",
                contact_phone=fake.mobile(30000 + i),
                area=area,
                area_path=area.path,
                address="测试路1号",
                category="above_scale",
                industry="C",
                headcount=10,
                local_headcount=5,
                commissioner=world.users["commissioner_A"],
            )
            for i in range(n)
        ]
    )
    EnterpriseStatus.objects.bulk_create([EnterpriseStatus(enterprise=e, state="approved") for e in firms])
    if with_reports:
        DailyReport.objects.bulk_create(
            [DailyReport(enterprise=e, date=today(), area_path=e.area_path, **FIELDS) for e in firms]
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [MISSING_URL, LIST_URL, EXPORT_URL])
def test_list_queries_do_not_grow_with_the_number_of_enterprises(
    expected, client_for, django_assert_max_num_queries, url
):
    client = client_for("street_A")
    add_expected_firms(expected, 3, with_reports=url == LIST_URL)
    few = count_queries(client, url)
    Enterprise.objects.filter(name__startswith="批量企业").delete()
    add_expected_firms(expected, 40, with_reports=url == LIST_URL)

    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert response.status_code == 200
    if url != EXPORT_URL:
        assert response.context["page"].paginator.count >= 40
    assert few <= 12
