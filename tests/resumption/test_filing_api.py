"""/api/v1/filings: the enterprise files with its roster as JSON, the street reviews; scope as pages."""

import datetime as dt
import json

from django.utils import timezone

from fugong.core import fake
from fugong.health.models import Person
from fugong.resumption.choices import EnterpriseState, FilingStatus
from fugong.resumption.models import EnterpriseStatus, Filing, FilingTransition


def roster(n: int, *, local: int) -> list[dict]:
    return [
        {
            "name": f"职工{i}",
            "id_number": fake.id_number(600 + i, dt.date(1988, 7, 1 + i)),
            "phone": fake.mobile(600 + i),
            "last14_location": "重庆市北碚区",
            "health_state": "healthy",
            "is_local": i < local,
        }
        for i in range(n)
    ]


def filing_body(**changes) -> dict:
    return {
        "planned_date": timezone.localdate().isoformat(),
        "prevention_plan": "测温、消毒、分餐",
        "masks_stock": 2000,
        "masks_days": 14,
        "disinfectant_kg": "30.5",
        "disinfectant_days": 14,
        "thermometers": 2,
        "ventilation": "good",
        "has_isolation_room": True,
        "canteen_measures": "错峰",
        "roster": roster(4, local=2),
    } | changes


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def file_and_submit(api_for) -> tuple[int, dict]:
    admin = api_for("ent_admin_A")
    created = post(admin, "/api/v1/filings", filing_body())
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    submitted = post(admin, f"/api/v1/filings/{pk}/submit", {"signatory_name": "王建国", "accept": True})
    assert submitted.status_code == 200, submitted.content
    return pk, submitted.json()


def test_file_submit_queue_and_approve_through_the_api(world, setup, api_for):
    pk, filing = file_and_submit(api_for)
    assert filing["status"] == "submitted" and filing["holder_area"] == "天生街道"
    assert filing["unmet_now"] == [] and filing["commitment_version"] == "2020-1"
    first = filing["roster"][0]
    assert first["id_number"].count("*") == 10 and first["phone"].count("*") == 4  # masked

    queue = api_for("street_A").get("/api/v1/filings/queue").json()
    assert queue["count"] == 1
    item = queue["items"][0]
    assert item["id"] == pk and item["priority_score"] == 70.0
    assert [(p["key"], p["label"], p["points"], p["max"]) for p in item["score_parts"]] == [
        ("local_share", "本地员工占比", 20.0, 40),
        ("small_scale", "规模", 15.0, 25),
        ("ventilation", "通风", 20.0, 20),
        ("supplies", "物资", 15.0, 15),
    ]
    assert item["deadline_at"] and item["overdue"] is False

    decided = post(
        api_for("street_A"),
        f"/api/v1/filings/{pk}/decide",
        {"decision": "approve", "reason": "同意复工", "version": item["version"]},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert [t["to_status"] for t in decided.json()["transitions"]] == ["submitted", "approved"]
    assert EnterpriseStatus.objects.get(enterprise_id=item["enterprise_id"]).state == EnterpriseState.APPROVED


def test_a_bad_roster_row_names_the_row_and_saves_nothing(world, setup, api_for):
    rows = roster(3, local=3)
    rows[1]["id_number"] = rows[1]["id_number"][:17] + ("0" if rows[1]["id_number"][17] != "0" else "1")
    rows[2]["phone"] = "2345"
    persons = Person.objects.count()
    response = post(api_for("ent_admin_A"), "/api/v1/filings", filing_body(roster=rows))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "roster.2.id_number": ["身份证号校验位不正确，请核对后重新输入"],
        "roster.3.phone": ["请输入11位手机号码（1开头）"],
    }
    assert not Filing.objects.exists() and Person.objects.count() == persons


def test_bad_dates_and_negative_stock_are_refused(world, setup, api_for):
    admin = api_for("ent_admin_A")
    past = post(admin, "/api/v1/filings", filing_body(planned_date="2020-02-01"))
    assert past.status_code == 422 and past.json()["errors"] == {"planned_date": ["计划复工日期不能早于今天"]}
    negative = post(admin, "/api/v1/filings", filing_body(masks_stock=-1))
    assert negative.status_code == 422 and negative.json()["errors"] == {"masks_stock": ["数值过小"]}
    assert not Filing.objects.exists()


def test_submission_needs_the_acceptance(world, setup, api_for):
    admin = api_for("ent_admin_A")
    pk = post(admin, "/api/v1/filings", filing_body()).json()["id"]
    response = post(admin, f"/api/v1/filings/{pk}/submit", {"signatory_name": "王建国", "accept": False})
    assert response.status_code == 422
    assert response.json()["errors"] == {"accept": ["请阅读承诺书并确认接受后再提交"]}
    assert Filing.objects.get(pk=pk).status == FilingStatus.DRAFT


def test_a_stale_version_is_refused_with_a_chinese_message(world, setup, api_for):
    pk, filing = file_and_submit(api_for)
    first = post(
        api_for("sysadmin"),
        f"/api/v1/filings/{pk}/decide",
        {"decision": "return", "reason": "请补充名单", "version": filing["version"]},
    )
    assert first.status_code == 200
    late = post(
        api_for("street_A"),
        f"/api/v1/filings/{pk}/decide",
        {"decision": "approve", "reason": "同意", "version": filing["version"]},
    )
    assert late.status_code == 422
    assert late.json()["errors"]["__all__"] == ["该备案已被他人处理或已更新，请刷新后查看"]
    assert Filing.objects.get(pk=pk).status == FilingStatus.RETURNED
    assert FilingTransition.objects.filter(filing_id=pk).count() == 2


def test_another_street_and_enterprise_reach_nothing(world, setup, api_for):
    pk, filing = file_and_submit(api_for)
    other = api_for("street_B")
    assert other.get("/api/v1/filings").json() == {"items": [], "count": 0}
    assert other.get("/api/v1/filings/queue").json() == {"items": [], "count": 0}
    assert other.get(f"/api/v1/filings/{pk}").status_code == 404
    response = post(
        other,
        f"/api/v1/filings/{pk}/decide",
        {"decision": "approve", "reason": "同意", "version": filing["version"]},
    )
    assert response.status_code == 404
    ent_b = api_for("ent_admin_B")
    assert ent_b.get(f"/api/v1/filings/{pk}").status_code == 404
    assert (
        post(ent_b, f"/api/v1/filings/{pk}/submit", {"signatory_name": "x", "accept": True}).status_code
        == 404
    )
    assert ent_b.get("/api/v1/filings").json()["count"] == 0
    assert api_for("resident_A").get("/api/v1/filings").status_code == 403
    assert Filing.objects.get(pk=pk).status == FilingStatus.SUBMITTED
    assert FilingTransition.objects.filter(filing_id=pk).count() == 1


def test_the_list_filters_by_status_and_overdue(world, setup, api_for):
    pk, _ = file_and_submit(api_for)
    street = api_for("street_A")
    assert [i["id"] for i in street.get("/api/v1/filings?status=submitted").json()["items"]] == [pk]
    assert street.get("/api/v1/filings?status=approved").json()["count"] == 0
    assert street.get("/api/v1/filings?overdue=true").json()["count"] == 0
    Filing.objects.filter(pk=pk).update(deadline_at=timezone.now() - dt.timedelta(minutes=1))
    overdue = street.get("/api/v1/filings?overdue=true").json()
    assert overdue["count"] == 1 and overdue["items"][0]["overdue"] is True
