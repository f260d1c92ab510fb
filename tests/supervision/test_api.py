"""/api/v1/supervision: the same flow and the same scope as the pages, errors in Chinese."""

import datetime as dt

from django.utils import timezone

from fugong.supervision.models import Inspection

from .helpers import items_all, violate

BASE = "/api/v1/supervision"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_inspection_violation_confirm_listing_over_the_api(world, api_for):
    officer = api_for("street_A")
    enterprise = world.enterprises["A1_commerce"]
    today = timezone.localdate().isoformat()
    items = items_all()
    items[0]["result"] = "fail"
    response = post(
        officer,
        f"{BASE}/inspections",
        {
            "enterprise_id": enterprise.pk,
            "date": today,
            "items": items,
            "findings": [{"description": "未测温", "deadline": today}],
        },
    )
    assert response.status_code == 201, response.content
    inspection = response.json()
    assert not inspection["no_anomaly"] and inspection["findings"][0]["status"] == "open"
    for _ in range(2):
        violate(world.users["street_A"], enterprise)
    response = post(
        officer, f"{BASE}/inspections/{inspection['id']}/violations", {"description": "再次未测温"}
    )
    violation = response.json()
    assert (response.status_code, violation["sequence"], violation["proposed_step_label"]) == (
        201,
        3,
        "由干部视情况决定是否列入不诚信企业名单",
    )
    assert post(officer, f"{BASE}/violations/{violation['id']}/confirm", {"version": 0}).status_code == 200
    taken = post(api_for("sysadmin"), f"{BASE}/violations/{violation['id']}/confirm", {"version": 0})
    assert taken.status_code == 422 and "已被他人处理" in str(taken.json())
    listing = post(officer, f"{BASE}/violations/{violation['id']}/listing", {"reason": "三次违规"}).json()
    assert listing["status"] == "proposed" and not listing["ineligible_for_support"]
    refused = post(api_for("commissioner_A"), f"{BASE}/listings/{listing['id']}/approve", {"version": 0})
    assert refused.status_code == 403 and "确认权限" in refused.json()["detail"]
    approved = post(api_for("leader"), f"{BASE}/listings/{listing['id']}/approve", {"version": 0}).json()
    assert (
        approved["ineligible_for_support"] and approved["ineligible_text"] == "不诚信企业：不得享受惠企政策"
    )
    standing = officer.get(f"{BASE}/enterprises/{enterprise.pk}/standing").json()
    assert standing["ineligible_for_support"] is True


def test_followup_closes_findings_over_the_api(world, api_for):
    officer = api_for("street_A")
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    items = items_all()
    items[0]["result"] = "fail"
    first = post(
        officer,
        f"{BASE}/inspections",
        {
            "enterprise_id": world.enterprises["A1_commerce"].pk,
            "date": day,
            "items": items,
            "findings": [{"description": "无消毒记录", "deadline": day}],
        },
    ).json()
    follow = post(
        officer,
        f"{BASE}/inspections/{first['id']}/followup",
        {"items": items_all(), "rectified": [first["findings"][0]["id"]]},
    )
    assert follow.status_code == 201 and follow.json()["no_anomaly"]
    assert officer.get(f"{BASE}/inspections/{first['id']}").json()["findings"][0]["status"] == "rectified"


def test_bad_input_is_refused_in_chinese_and_saves_nothing(world, api_for):
    officer = api_for("street_A")
    today = timezone.localdate()
    out = post(
        officer,
        f"{BASE}/inspections",
        {
            "enterprise_id": world.enterprises["B1_commerce"].pk,
            "date": today.isoformat(),
            "items": items_all(),
        },
    )
    assert out.status_code == 404 and out.json()["detail"] == "未找到"
    early = post(
        officer,
        f"{BASE}/inspections",
        {
            "enterprise_id": world.enterprises["A1_commerce"].pk,
            "date": today.isoformat(),
            "items": items_all(),
            "findings": [{"description": "x", "deadline": (today - dt.timedelta(days=1)).isoformat()}],
        },
    )
    assert early.status_code == 422 and "整改期限不能早于检查日期" in early.json()["errors"]["findings"][0]
    assert not Inspection.objects.exists()


def test_coverage_and_lists_are_scoped(world, api_for):
    summary = api_for("street_A").get(f"{BASE}/coverage/summary").json()
    # A2's individual business is covered by A2's community worker; A1's commerce one by no one.
    assert (summary["total"], summary["unassigned"]) == (3, 1)
    unassigned = api_for("street_A").get(f"{BASE}/coverage/unassigned").json()
    assert [r["id"] for r in unassigned["items"]] == [world.enterprises["A1_commerce"].pk]
    violate(world.users["street_B"], world.enterprises["B1_commerce"])
    assert api_for("street_A").get(f"{BASE}/violations").json()["count"] == 0
    assert api_for("ent_admin_B").get(f"{BASE}/violations").json()["count"] == 0
    assert api_for("street_B").get(f"{BASE}/violations").json()["count"] == 1
