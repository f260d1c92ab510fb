"""/api/v1/problems: scoped like the pages, Chinese errors, the lifecycle and the stale version."""

import datetime as dt

from django.utils import timezone

from fugong.ledger.models import Problem

from .conftest import report


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_lifecycle_over_the_api(world, rules, api_for):
    ent, dept = api_for("ent_admin_A"), api_for("dept")
    created = post(
        ent,
        "/api/v1/problems",
        {
            "category": "epidemic_supplies",
            "title": "消毒液短缺",
            "description": "需84消毒液200公斤",
            "green_channel": False,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pid = body["id"]
    assert body["holder"] == "区经济信息委" and body["channel"] == "self" and body["status"] == "open"
    assert post(dept, f"/api/v1/problems/{pid}/start", {"version": 0}).json()["status"] == "in_progress"
    answered = post(dept, f"/api/v1/problems/{pid}/answer", {"version": 1, "answer": "已协调供货"}).json()
    assert answered["status"] == "answered" and answered["actions"]["confirm"] is False
    assert ent.get(f"/api/v1/problems/{pid}").json()["actions"]["confirm"] is True
    confirmed = post(
        ent, f"/api/v1/problems/{pid}/confirm", {"version": 2, "rating": 5, "comment": "满意"}
    ).json()
    assert (confirmed["status"], confirmed["rating"]) == ("confirmed", 5)
    assert [e["kind"] for e in confirmed["events"]] == ["created", "started", "answered", "confirmed"]


def test_errors_are_chinese(world, rules, api_for):
    problem = report(world, category="labour")
    street = api_for("street_A")
    stale = post(street, f"/api/v1/problems/{problem.pk}/answer", {"version": 5, "answer": "答复"})
    assert stale.status_code == 422 and stale.json()["errors"] == {"__all__": ["该问题已被他人处理，请刷新"]}
    missing = post(street, f"/api/v1/problems/{problem.pk}/answer", {"answer": "答复"})
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    post(street, f"/api/v1/problems/{problem.pk}/answer", {"version": 0, "answer": "已办"})
    refused = post(street, f"/api/v1/problems/{problem.pk}/confirm", {"version": 1, "rating": 5})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有提出诉求的企业（或代为登记的人员）可以确认和评价"
    bad = post(
        api_for("ent_admin_A"), "/api/v1/problems", {"category": "nonsense", "title": "x", "description": "y"}
    )
    assert bad.status_code == 422 and bad.json()["errors"] == {"category": ["请选择问题类别"]}
    problem.refresh_from_db()
    assert problem.status == "answered" and problem.rating is None


def test_scope_over_the_api(world, rules, api_for):
    a = report(world, category="labour", title="甲")
    b = report(
        world,
        who="ent_admin_B",
        key="B1_above_scale",
        category="labour",
        title="乙",
        now=timezone.now() - dt.timedelta(days=30),
    )
    street_a = api_for("street_A")
    assert [i["title"] for i in street_a.get("/api/v1/problems").json()["items"]] == ["甲"]
    assert street_a.get(f"/api/v1/problems/{b.pk}").status_code == 404
    assert (
        post(street_a, f"/api/v1/problems/{b.pk}/answer", {"version": 0, "answer": "越权"}).status_code == 404
    )
    assert (
        post(
            street_a,
            "/api/v1/problems",
            {
                "enterprise_id": world.enterprises["B1_above_scale"].pk,
                "category": "labour",
                "title": "越权",
                "description": "越权",
            },
        ).status_code
        == 403
    )
    assert street_a.get("/api/v1/problems/overdue/count").json() == {"count": 0}
    assert api_for("leader").get("/api/v1/problems/overdue/count").json() == {"count": 1}
    assert api_for("ent_admin_B").get(f"/api/v1/problems/{a.pk}").status_code == 404
    assert api_for("resident_A").get("/api/v1/problems").status_code == 403
    assert Problem.objects.count() == 2
    stats = api_for("leader").get("/api/v1/problems/stats").json()
    assert stats["totals"]["total"] == 2 and stats["totals"]["overdue"] == 1
    assert {r["area_name"]: r["total"] for r in stats["by_area"]} == {"天生街道": 1, "朝阳街道": 1}


def test_extension_over_the_api(world, rules, api_for):
    problem = report(world, category="epidemic_supplies")
    dept = api_for("dept")
    no_reason = post(dept, f"/api/v1/problems/{problem.pk}/extend", {"version": 0, "days": 3, "reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["errors"] == {"reason": ["请填写延期理由"]}
    assert (
        post(
            dept, f"/api/v1/problems/{problem.pk}/extend", {"version": 0, "days": 3, "reason": "供应商停产"}
        ).status_code
        == 200
    )
    own = post(dept, f"/api/v1/problems/{problem.pk}/approve_extension", {"approve": True})
    assert own.status_code == 403
    done = post(
        api_for("leader"), f"/api/v1/problems/{problem.pk}/approve_extension", {"approve": True}
    ).json()
    assert done["extensions"][0]["status"] == "approved" and done["extensions"][0]["decided_by"] == "leader"
