"""/api/v1/checkins: bound employee, retries, bad input in Chinese, lists with fixed query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fugong.checkins import services
from fugong.checkins.models import Alert, Checkin

from .factories import checkin, post, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_settings():
    services.settings_clear_cache()


def test_created_then_same_result_on_retry(world, bound, api_for):
    api = api_for("employee_A")
    key = str(uuid.uuid4())
    first = post(api, {"temperature": 36.7, "whereabouts": "公司"}, **{"Idempotency-Key": key})
    again = post(api, {"temperature": 36.7, "whereabouts": "公司"}, **{"Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json() and Checkin.objects.count() == 1
    assert first.json()["person_id"] == bound.pk


def test_new_key_same_day_refused_in_chinese(world, bound, api_for):
    api = api_for("employee_A")
    post(api, {"temperature": 36.7, "key": str(uuid.uuid4())})
    r = post(api, {"temperature": 36.8, "key": str(uuid.uuid4())})
    assert r.status_code == 422 and "无需重复提交" in str(r.json())


@pytest.mark.parametrize("temperature", [25, 45])
def test_bad_temperature_422_in_chinese(world, bound, api_for, temperature):
    r = post(api_for("employee_A"), {"temperature": temperature, "key": str(uuid.uuid4())})
    assert r.status_code == 422 and "体温须在 35.0–42.0 ℃ 之间" in r.json()["errors"]["temperature"][0]
    assert not Checkin.objects.exists()


def test_missing_key_and_unknown_symptom(world, bound, api_for):
    api = api_for("employee_A")
    assert "提交编号" in str(post(api, {"temperature": 36.5}).json())
    assert "请选择症状" in str(
        post(api, {"temperature": 36.5, "symptom": "x", "key": str(uuid.uuid4())}).json()
    )


def test_unbound_account_told_to_identify(world, api_for):
    r = post(api_for("employee_B"), {"temperature": 36.5, "key": str(uuid.uuid4())})
    assert r.status_code == 422 and "核验" in r.json()["errors"]["__all__"][0]


def test_monitor_cannot_submit_and_employee_cannot_proxy(world, bound, api_for):
    assert post(api_for("ent_admin_A"), {"temperature": 36.5, "key": str(uuid.uuid4())}).status_code == 403
    r = post(api_for("employee_A"), {"temperature": 36.5, "key": str(uuid.uuid4()), "person_id": bound.pk})
    assert r.status_code == 403 and not Checkin.objects.exists()


def test_community_worker_cannot_proxy_outside_area(world, api_for):
    b_person = staff(world.enterprises["B1_above_scale"], 102)
    r = post(
        api_for("community_A"), {"temperature": 36.5, "key": str(uuid.uuid4()), "person_id": b_person.pk}
    )
    assert r.status_code == 404 and not Checkin.objects.exists()


def test_fast_path_query_count(world, bound, api_for):
    api = api_for("employee_A")
    post(api, {"temperature": 36.5, "key": str(uuid.uuid4())})  # warms the settings cache
    Checkin.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert post(api, {"temperature": 36.5, "key": str(uuid.uuid4())}).status_code == 201
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]  # the test's transaction
    # Two statements: the token with its user and the user's check-in identity in one SELECT, and the INSERT.
    assert len(sql) == 2, sql
    assert (
        sql[0].startswith("SELECT") and "checkins_checkinidentity" in sql[0] and "accounts_apitoken" in sql[0]
    )
    assert sql[1].startswith("INSERT")


def test_alert_list_and_ack(world, api_for):
    a1 = world.enterprises["A1_above_scale"]
    checkin(staff(a1, 103, "咳嗽员工"), a1, symptom="cough")
    medic = api_for("medic_A")
    data = medic.get("/api/v1/checkins/alerts?pending=true").json()
    assert data["count"] == 1 and data["unacknowledged"] == 1 and data["items"][0]["reason"] == "咳嗽"
    pk = data["items"][0]["id"]
    assert (
        api_for("ent_admin_B")
        .post(f"/api/v1/checkins/alerts/{pk}/ack", {"outcome": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        medic.post(
            f"/api/v1/checkins/alerts/{pk}/ack", {"outcome": ""}, content_type="application/json"
        ).status_code
        == 422
    )
    ok = medic.post(
        f"/api/v1/checkins/alerts/{pk}/ack", {"outcome": "已就医"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["outcome"] == "已就医"
    assert Alert.objects.get().acknowledged_at is not None


def test_missed_api_masked(world, api_for):
    a1 = world.enterprises["A1_above_scale"]
    p = staff(a1, 104, "未打卡员工", phone="13800001234")
    data = api_for("ent_admin_A").get(f"/api/v1/checkins/missed?enterprise_id={a1.pk}").json()
    assert data["count"] == 1 and data["items"][0]["phone"] == "138****1234"
    assert p.id_number not in str(data)
    assert api_for("ent_admin_B").get(f"/api/v1/checkins/missed?enterprise_id={a1.pk}").status_code == 404


@pytest.mark.parametrize("n", [3, 12])
def test_list_query_counts_do_not_grow(world, api_for, client_for, n, django_assert_max_num_queries):
    a1 = world.enterprises["A1_above_scale"]
    for i in range(n):
        checkin(staff(a1, 200 + i), a1, temperature="38.0")
    api, web = api_for("commissioner_A"), client_for("commissioner_A")
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/checkins").json()["count"] == n
    with django_assert_max_num_queries(7):
        assert api.get("/api/v1/checkins/alerts").json()["count"] == n
    with django_assert_max_num_queries(12):
        assert web.get(reverse("checkins:alerts")).status_code == 200
    with django_assert_max_num_queries(12):
        assert web.get(reverse("checkins:missed"), {"enterprise": a1.pk}).status_code == 200
