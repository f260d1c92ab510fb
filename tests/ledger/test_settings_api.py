"""/api/v1/problems/settings: answer times and routing rules over the API, the settings page's services."""

from fugong.core.models import AuditEntry
from fugong.ledger.models import CategoryDueDays, RoutingRule

BASE = "/api/v1/problems/settings"


def send(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def snapshot():
    return (
        list(CategoryDueDays.objects.order_by("pk").values()),
        list(RoutingRule.objects.order_by("pk").values()),
    )


def test_the_administrator_sets_due_days_and_routing_rules(world, rules, api_for):
    admin = api_for("sysadmin")
    days = send(admin, "put", f"{BASE}/due-days", {"category": "labour", "days": 9})
    assert days.status_code == 200, days.content
    assert {"category": "labour", "label": "用工", "days": 9} in days.json()
    assert CategoryDueDays.objects.get(category="labour").days == 9

    saved = send(
        admin,
        "post",
        f"{BASE}/rules",
        {"category": "labour", "area_code": world.areas["A"].code, "department_code": "SWJ"},
    )
    assert saved.status_code == 201, saved.content
    rule = RoutingRule.objects.get(pk=saved.json()["id"])
    assert (rule.category, rule.area, rule.department.code) == ("labour", world.areas["A"], "SWJ")
    assert saved.json()["id"] in {r["id"] for r in admin.get(f"{BASE}/rules").json()}

    deleted = admin.delete(f"{BASE}/rules/{rule.pk}")
    assert deleted.status_code == 204
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(rule.pk), action="delete").exists()
    assert admin.delete(f"{BASE}/rules/{rule.pk}").status_code == 404

    seeded = send(admin, "post", f"{BASE}/rules/defaults")
    assert seeded.status_code == 200 and seeded.json()["created"] >= 0


def test_officials_without_the_right_change_nothing(world, rules, api_for):
    rule = RoutingRule.objects.order_by("pk").first()
    before = snapshot()
    for name in ("street_A", "leader", "dept", "ent_admin_A"):
        client = api_for(name)
        assert client.get(f"{BASE}/due-days").status_code == 403
        assert client.get(f"{BASE}/rules").status_code == 403
        refused = send(client, "put", f"{BASE}/due-days", {"category": "labour", "days": 1})
        assert refused.status_code == 403 and "系统管理员" in refused.json()["detail"]
        body = {"category": "labour", "department_code": "SWJ"}
        assert send(client, "post", f"{BASE}/rules", body).status_code == 403
        assert send(client, "post", f"{BASE}/rules/defaults").status_code == 403
        assert client.delete(f"{BASE}/rules/{rule.pk}").status_code == 403
    assert snapshot() == before


def test_bad_input_is_refused_in_chinese(world, rules, api_for):
    admin = api_for("sysadmin")
    before = snapshot()
    days = send(admin, "put", f"{BASE}/due-days", {"category": "nonsense", "days": 0})
    assert days.status_code == 422
    assert days.json()["errors"] == {"category": ["不是有效的选项"], "days": ["数值过小"]}
    unknown = send(
        admin,
        "post",
        f"{BASE}/rules",
        {"category": "labour", "area_code": "999", "department_code": "NOPE", "assignee": "nobody"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {
        "area_code": ["区划不存在或不在您的管辖范围内"],
        "department_code": ["部门不存在或不在您的管辖范围内"],
        "assignee": ["没有这个部门人员"],
    }
    assert snapshot() == before
