"""/api/v1/supervision/settings: the settings page's services over the API (district administrators)."""

import datetime as dt

from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.supervision import rules
from fugong.supervision.models import ChecklistItem, EscalationPolicy

BASE = "/api/v1/supervision/settings"


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_administrator_sets_the_window_and_versions_the_checklist(world, api_for):
    admin = api_for("sysadmin")
    shown = admin.get(BASE)
    assert shown.status_code == 200
    codes = {i["code"] for i in shown.json()["checklist"]}

    window = put(admin, f"{BASE}/window", {"window_days": 60})
    assert window.status_code == 200 and window.json()["window_days"] == 60
    assert rules.window_days() == 60

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    added = post(
        admin,
        f"{BASE}/checklist",
        {"code": "api-new", "title": "新增检查项", "effective_from": str(tomorrow)},
    )
    assert added.status_code == 201, added.content
    assert ChecklistItem.objects.filter(code="api-new", effective_from=tomorrow).exists()
    # in force from tomorrow: today's checklist is what it was
    assert {i["code"] for i in admin.get(BASE).json()["checklist"]} == codes

    today_item = post(admin, f"{BASE}/checklist", {"code": "api-today", "title": "今日检查项"})
    assert today_item.status_code == 201
    ended = post(admin, f"{BASE}/checklist/{today_item.json()['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["effective_to"] == str(timezone.localdate())
    assert AuditEntry.objects.filter(object_id=str(today_item.json()["id"]), action="update").exists()


def test_officials_without_the_right_change_nothing(world, api_for):
    item = ChecklistItem.objects.order_by("pk").first()
    before = (rules.window_days(), ChecklistItem.objects.count(), item.effective_to)
    for name in ("street_A", "leader", "ent_admin_A"):
        client = api_for(name)
        assert client.get(BASE).status_code == 403
        refused = put(client, f"{BASE}/window", {"window_days": 7})
        assert refused.status_code == 403 and "系统管理员" in refused.json()["detail"]
        assert post(client, f"{BASE}/checklist", {"code": "x", "title": "越权"}).status_code == 403
        assert post(client, f"{BASE}/checklist/{item.pk}/end", {}).status_code == 403
    item.refresh_from_db()
    assert (rules.window_days(), ChecklistItem.objects.count(), item.effective_to) == before


def test_bad_input_is_refused_in_chinese(world, api_for):
    admin = api_for("sysadmin")
    count, policies = ChecklistItem.objects.count(), list(EscalationPolicy.objects.values())
    zero = put(admin, f"{BASE}/window", {"window_days": 0})
    assert zero.status_code == 422 and zero.json()["errors"] == {"window_days": ["数值过小"]}
    past = post(
        admin,
        f"{BASE}/checklist",
        {"code": "old", "title": "追溯", "effective_from": str(timezone.localdate() - dt.timedelta(days=3))},
    )
    assert past.status_code == 422
    assert past.json()["errors"]["effective_from"] == ["生效日期不能早于今天（已生效的检查项不追溯修改）"]
    missing = post(admin, f"{BASE}/checklist/999999/end", {})
    assert missing.status_code == 422 and missing.json()["errors"] == {"__all__": ["没有这个检查项"]}
    assert ChecklistItem.objects.count() == count
    assert list(EscalationPolicy.objects.values()) == policies
