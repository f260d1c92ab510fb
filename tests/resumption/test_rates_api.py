"""/api/v1/rates: each figure as {"numerator", "denominator", "rate"} for any area and date.

The scene of test_command_page (counted by hand there).
"""

import datetime as dt

import pytest
from django.utils import timezone

from fugong.resumption import tallies

from .test_command_page import build_scene, resume

API = "/api/v1/rates"


@pytest.fixture
def scene(world, setup):
    build_scene(world)
    return world


def get(client, path="", **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_street_a_figures(scene, api_for):
    data = get(api_for("street_A"))
    assert data["area"] == {"code": "500109001", "name": "天生街道"}
    assert data["date"] == timezone.localdate().isoformat()
    assert data["registered"] == 3 and data["out_of_scope"] == 1
    assert data["resumption"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert data["on_duty"] == {"numerator": 110, "denominator": 150, "rate": 0.7333, "average": 0.7}
    assert data["capacity"] == {"numerator": 80.0, "denominator": 150, "rate": 0.5333, "average": 0.5}
    assert data["reporting"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert set(data["definitions"]) == {
        "resumption",
        "on_duty",
        "capacity",
        "reporting",
        "out_of_scope",
        "registered",
    }
    assert data["definitions"]["resumption"].startswith("复工率 = 已复工企业数")


def test_district_and_category_figures(scene, api_for):
    client = api_for("leader")
    assert get(client)["resumption"] == {"numerator": 4, "denominator": 5, "rate": 0.8}
    assert get(client)["reporting"] == {"numerator": 3, "denominator": 4, "rate": 0.75}
    above = get(client, category="above_scale")
    assert above["resumption"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert above["on_duty"] == {"numerator": 130, "denominator": 200, "rate": 0.65, "average": 0.65}


def test_the_department_officer_gets_their_sector_only(scene, api_for):
    client = api_for("dept")
    assert get(client)["resumption"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
    response = client.get(API, {"category": "commerce"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"category": ["不是有效的企业类别，或不在您的主管范围内"]}


def test_children_ranked(scene, api_for):
    data = get(api_for("leader"), "/children")
    assert [(i["area"]["name"], i["resumption"]["rate"]) for i in data["items"]] == [
        ("天生街道", 1.0),
        ("朝阳街道", 0.6667),
    ]
    data = get(api_for("street_A"), "/children")
    assert [(i["area"]["code"], i["resumption"]) for i in data["items"]] == [
        ("500109001001", {"numerator": 2, "denominator": 2, "rate": 1.0}),
        ("500109001002", {"numerator": 0, "denominator": 0, "rate": None}),
    ]


def test_breakdown(scene, api_for):
    data = get(api_for("leader"), "/breakdown", by="category")
    assert [(i["key"], i["label"], i["resumption"]) for i in data["items"]] == [
        ("above_scale", "规上工业", {"numerator": 2, "denominator": 2, "rate": 1.0}),
        ("commerce", "商贸服务", {"numerator": 2, "denominator": 2, "rate": 1.0}),
        ("individual", "个体工商户", {"numerator": 0, "denominator": 1, "rate": 0.0}),
    ]
    data = get(api_for("leader"), "/breakdown", by="industry")
    assert [(i["key"], i["label"], i["registered"]) for i in data["items"]] == [("C", "制造业", 6)]
    response = api_for("leader").get(API + "/breakdown", {"by": "colour"})
    assert response.status_code == 422 and response.json()["errors"] == {"by": ["不是有效的选项"]}


def test_trend_with_gaps(scene, api_for):
    today = timezone.localdate()
    tallies.snapshot_status(today - dt.timedelta(days=2))
    data = get(api_for("street_A"), "/trend", days=4)
    assert [i["date"] for i in data["items"]] == [
        (today - dt.timedelta(days=n)).isoformat() for n in (3, 2, 1, 0)
    ]
    assert [i["resumption"]["rate"] for i in data["items"]] == [None, 1.0, None, 1.0]
    assert [i["resumption"]["numerator"] for i in data["items"]] == [None, 2, None, 2]
    assert len(get(api_for("street_A"), "/trend")["items"]) == 30


def test_trend_is_at_most_90_days(scene, api_for):
    response = api_for("street_A").get(API + "/trend", {"days": 91})
    assert response.status_code == 422 and response.json()["errors"] == {"days": ["数值过大"]}
    assert len(get(api_for("street_A"), "/trend", days=90)["items"]) == 90


def test_a_past_date(scene, api_for):
    day = timezone.localdate() - dt.timedelta(days=1)
    tallies.snapshot_status(day)
    resume(scene, "B1_individual")
    past = get(api_for("leader"), date=day.isoformat())
    assert past["date"] == day.isoformat()
    assert past["resumption"] == {"numerator": 4, "denominator": 5, "rate": 0.8}
    assert past["on_duty"] == {"numerator": 0, "denominator": 0, "rate": None, "average": None}
    assert get(api_for("leader"))["resumption"] == {"numerator": 5, "denominator": 5, "rate": 1.0}


@pytest.mark.parametrize("path", ["", "/children", "/breakdown?by=category", "/trend"])
def test_a_bad_date_is_a_422_in_chinese(scene, api_for, path):
    sep = "&" if "?" in path else "?"
    response = api_for("street_A").get(f"{API}{path}{sep}date=2020-02-30")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "提交的数据有误",
        "errors": {"date": ["日期格式不正确，应为 YYYY-MM-DD"]},
    }


def test_a_future_date_is_refused(scene, api_for):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = api_for("street_A").get(API, {"date": tomorrow})
    assert response.status_code == 422 and response.json()["errors"] == {"date": ["日期不能晚于今天"]}


@pytest.mark.parametrize("path", ["", "/children", "/breakdown?by=category", "/trend"])
def test_another_streets_area_is_not_found(scene, api_for, path):
    sep = "&" if "?" in path else "?"
    response = api_for("street_A").get(f"{API}{path}{sep}area=500109002")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


@pytest.mark.parametrize("name", ["commissioner_A", "resident_A", "ent_admin_A"])
def test_roles_without_rates_are_refused(scene, api_for, name):
    response = api_for(name).get(API)
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权查看复工复产统计"}


def test_anonymous_is_401(scene, client):
    assert client.get(API).status_code == 401


def test_the_browser_session_works_too(scene, client_for):
    response = client_for("street_A").get(API)
    assert response.status_code == 200 and response.json()["resumption"]["numerator"] == 2
