"""/api/v1/reports: today's report by the enterprise admin, the scoped lists and one report."""

import datetime as dt

import pytest
from django.utils import timezone

from fugong.resumption import rates, services
from fugong.resumption.models import DailyReport, DailyTally

from .conftest import make_reporting

URL = "/api/v1/reports"
BODY = {
    "staff_on_duty": 80,
    "staff_total": 100,
    "output_pct": 60,
    "masks_stock": 3000,
    "disinfectant_kg": 40.5,
    "no_anomaly": True,
}


def today() -> dt.date:
    return timezone.localdate()


def post(client, body: dict):
    return client.post(URL, body, content_type="application/json")


def test_the_first_post_creates_and_the_second_updates_the_same_report(world, setup, api_for):
    make_reporting(world)
    client = api_for("ent_admin_A")

    first = post(client, BODY)
    second = post(client, BODY | {"staff_on_duty": 95, "output_pct": 75})

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    body = second.json()
    assert {
        k: body[k]
        for k in (
            "date",
            "staff_on_duty",
            "staff_total",
            "output_pct",
            "disinfectant_kg",
            "problems_found",
            "abnormal_persons",
            "no_anomaly",
        )
    } == {
        "date": today().isoformat(),
        "staff_on_duty": 95,
        "staff_total": 100,
        "output_pct": 75,
        "disinfectant_kg": 40.5,
        "problems_found": 0,
        "abnormal_persons": 0,
        "no_anomaly": True,
    }
    assert DailyReport.objects.count() == 1
    assert rates.figures(world.areas["A"]).on_duty.as_dict() == {
        "numerator": 95,
        "denominator": 100,
        "rate": 0.95,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"masks_stock": -5}, "masks_stock", "库存不能为负数"),
        ({"staff_on_duty": 101}, "staff_on_duty", "今日到岗人数不能超过职工总数"),
        ({"output_pct": 101}, "output_reason", "产能超过100%时请说明原因"),
        ({"date": "__yesterday__"}, "date", "只能填报或修改当天的日报（当天24时截止）"),
        ({"staff_total": None}, "staff_total", "这个字段是必填项。"),
        ({"masks_stock": "很多"}, "masks_stock", "应为整数"),
    ],
)
def test_bad_input_is_a_422_in_chinese_and_nothing_is_saved(world, setup, api_for, changes, field, message):
    if changes.get("date") == "__yesterday__":
        changes = {"date": (today() - dt.timedelta(days=1)).isoformat()}

    response = post(api_for("ent_admin_A"), {k: v for k, v in (BODY | changes).items() if v is not None})

    assert response.status_code == 422
    assert response.json()["detail"] == "提交的数据有误"
    assert message in response.json()["errors"][field]
    assert not DailyReport.objects.exists()
    assert not DailyTally.objects.exists()


def test_an_admin_cannot_post_for_another_enterprise(world, setup, api_for):
    a = world.enterprises["A1_above_scale"]

    response = post(api_for("ent_admin_B"), BODY | {"enterprise_id": a.pk})

    assert response.status_code == 403
    assert response.json() == {"detail": "只能填报本企业的日报"}
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize("name", ["street_A", "leader", "commissioner_A", "resident_A", "employee_A"])
def test_only_enterprise_admins_post_reports(world, setup, api_for, name):
    response = post(api_for(name), BODY)

    assert response.status_code == 403
    assert not DailyReport.objects.exists()


def test_lists_and_detail_are_scoped(world, setup, api_for):
    make_reporting(world)
    a_id = post(api_for("ent_admin_A"), BODY).json()["id"]
    b_id = post(api_for("ent_admin_B"), BODY | {"staff_on_duty": 10}).json()["id"]

    street_a = api_for("street_A").get(URL).json()
    leader = api_for("leader").get(URL, {"area": world.areas["B"].code}).json()

    assert [r["id"] for r in street_a["items"]] == [a_id] and street_a["count"] == 1
    assert [r["id"] for r in leader["items"]] == [b_id]
    assert api_for("street_A").get(f"{URL}/{b_id}").status_code == 404
    assert api_for("ent_admin_B").get(f"{URL}/{a_id}").status_code == 404
    assert (
        api_for("commissioner_A").get(f"{URL}/{a_id}").json()["enterprise_name"]
        == world.enterprises["A1_above_scale"].name
    )
    mine = api_for("ent_admin_A").get(URL).json()
    assert [r["id"] for r in mine["items"]] == [a_id]


def test_the_missing_list_api(world, setup, api_for):
    e = world.enterprises
    for key, officer in (
        ("A1_above_scale", "street_A"),
        ("A1_commerce", "street_A"),
        ("B1_above_scale", "street_B"),
    ):
        services.status_set(actor=world.users[officer], enterprise=e[key], state="approved")
    post(api_for("ent_admin_A"), BODY)

    street_a = api_for("street_A").get(f"{URL}/missing").json()
    leader = api_for("leader").get(f"{URL}/missing", {"page_size": 1}).json()

    assert street_a["count"] == 1 and street_a["date"] == today().isoformat()
    item = street_a["items"][0]
    phone = e["A1_commerce"].contact_phone
    assert (item["name"], item["contact_phone"], item["commissioner"]) == (
        e["A1_commerce"].name,
        f"{phone[:3]}****{phone[-4:]}",
        None,
    )
    assert leader["count"] == 2 and len(leader["items"]) == 1
    assert api_for("ent_admin_A").get(f"{URL}/missing").status_code == 403
    bad = api_for("street_A").get(f"{URL}/missing", {"date": "2020-13-01"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["date"] == ["日期格式不正确，应为 YYYY-MM-DD"]
