"""/api/v1/quarantine: the page actions that had no operation — revoking a release notice, setting
up a centralized site (the site, its rooms, its staff) and a new version of the rule set. Same
services as the pages: the same refusals, Chinese errors, nothing changed when refused."""

import datetime as dt

from django.conf import settings

from fugong.quarantine.models import ReleaseNotice, Room, RuleSet, Site, SiteStaff

from .factories import site_with_rooms
from .notice_helpers import released

API = "/api/v1/quarantine"
JSON = {"content_type": "application/json"}


def test_revoke_a_notice(world, api_for):
    order = released(world)
    url = f"{API}/orders/{order.pk}/notice/revoke"
    assert api_for("community_B").post(url, {"reason": "误签发"}, **JSON).status_code == 404
    assert api_for("street_B").post(url, {"reason": "误签发"}, **JSON).status_code == 404
    client = api_for("community_A")
    empty = client.post(url, {"reason": " "}, **JSON)
    assert empty.status_code == 422 and empty.json()["errors"]["reason"] == ["作废须填写理由"]
    assert ReleaseNotice.objects.get(order=order).revoked_at is None
    response = client.post(url, {"reason": "误签发"}, **JSON)
    assert response.status_code == 200, response.content
    assert response.json()["revoke_reason"] == "误签发" and response.json()["revoked_at"]
    again = client.post(url, {"reason": "再次作废"}, **JSON)
    assert again.status_code == 422 and "该通知书已作废" in str(again.json())
    assert ReleaseNotice.objects.get(order=order).revoke_reason == "误签发"


def test_create_a_site(world, api_for):
    body = {"name": "天生街道隔离酒店", "area_id": world.areas["A"].pk, "address": "天生路1号"}
    refused = api_for("street_A").post(f"{API}/sites", {**body, "rooms": ["101"]}, **JSON)
    assert refused.status_code == 403 and not Site.objects.exists()
    bad = api_for("sysadmin").post(f"{API}/sites", {"name": "", "area_id": world.areas["A"].pk}, **JSON)
    assert bad.status_code == 422 and bad.json()["errors"]["name"] == ["请填写名称并选择所在区域"]
    assert not Site.objects.exists()
    response = api_for("sysadmin").post(f"{API}/sites", {**body, "rooms": ["101", "102"]}, **JSON)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["name"] == "天生街道隔离酒店" and made["area"] == world.areas["A"].name
    assert [r["number"] for r in made["grid"]] == ["101", "102"]
    assert Site.objects.get(pk=made["id"]).address == "天生路1号"


def test_add_a_room(world, api_for):
    site = site_with_rooms(world)
    url = f"{API}/sites/{site.pk}/rooms"
    assert api_for("street_A").post(url, {"number": "201"}, **JSON).status_code == 403
    assert api_for("site_A").post(url, {"number": "201"}, **JSON).status_code == 403
    assert api_for("sysadmin").post(f"{API}/sites/999999/rooms", {"number": "201"}, **JSON).status_code == 404
    taken = api_for("sysadmin").post(url, {"number": "101"}, **JSON)
    assert taken.status_code == 422 and taken.json()["errors"]["number"] == ["该房间号已存在"]
    assert sorted(Room.objects.filter(site=site).values_list("number", flat=True)) == ["101", "102"]
    response = api_for("sysadmin").post(url, {"number": "201"}, **JSON)
    assert response.status_code == 201 and response.json()["number"] == "201"
    assert Room.objects.filter(site=site, number="201").exists()


def test_bind_a_staff_account(world, api_for):
    site = site_with_rooms(world)
    other = site_with_rooms(world, "B")
    url = f"{API}/sites/{site.pk}/staff"
    assert api_for("street_A").post(url, {"username": "site_B"}, **JSON).status_code == 403
    assert SiteStaff.objects.get(user=world.users["site_B"]).site == other
    wrong = api_for("sysadmin").post(url, {"username": "community_A"}, **JSON)
    assert wrong.status_code == 422 and wrong.json()["errors"]["user"] == ["请选择隔离点工作人员账号"]
    assert not SiteStaff.objects.filter(user=world.users["community_A"]).exists()
    response = api_for("sysadmin").post(url, {"username": "site_B"}, **JSON)
    assert response.status_code == 200, response.content
    assert response.json() == {"site_id": site.pk, "username": "site_B"}
    assert SiteStaff.objects.get(user=world.users["site_B"]).site == site


def test_create_a_rule_set(world, api_for):
    before = RuleSet.objects.count()
    body = {
        "name": "第十版",
        "effective_from": str(dt.date(2020, 3, 10)),
        "legal_basis": "《传染病防治法》",
        "appeal": "区卫健委 023-12345678",
        "rules": [
            {"condition": "high", "measure": "centralized", "days": 14},
            {"condition": "any", "measure": "monitoring", "days": 7},
        ],
    }
    assert api_for("community_A").post(f"{API}/rule-sets", body, **JSON).status_code == 403
    bad = api_for("sysadmin").post(f"{API}/rule-sets", {**body, "rules": []}, **JSON)
    assert bad.status_code == 422 and bad.json()["errors"]["rules"] == ["至少需要一条规则"]
    invalid = {**body, "rules": [{"condition": "high", "measure": "centralized", "days": 99}]}
    wrong = api_for("sysadmin").post(f"{API}/rule-sets", invalid, **JSON)
    assert wrong.status_code == 422 and wrong.json()["errors"]["rules"] == ["规则的条件、措施或天数无效"]
    assert RuleSet.objects.count() == before
    response = api_for("sysadmin").post(f"{API}/rule-sets", body, **JSON)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["name"] == "第十版" and made["in_force_today"] is False
    assert [(r["order"], r["condition"], r["days"]) for r in made["rules"]] == [
        (1, "high", 14),
        (2, "any", 7),
    ]
    twice = api_for("sysadmin").post(f"{API}/rule-sets", body, **JSON)
    assert twice.status_code == 422 and twice.json()["errors"]["effective_from"] == ["该日期已有一套规则生效"]
    assert RuleSet.objects.count() == before + 1


def test_errors_in_english_when_chosen(world, api_for):
    """The language cookie (the choice the pages set) turns the API's messages English too."""
    order = released(world)
    client = api_for("community_A")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"{API}/orders/{order.pk}/notice/revoke"
    response = client.post(url, {"reason": ""}, **JSON)
    assert response.status_code == 422
    assert response.json()["errors"]["reason"] == ["A revocation needs a reason"]
    resident = api_for("resident_A")
    resident.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = resident.post(url, {"reason": "x"}, **JSON)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You are not allowed to handle release-from-quarantine notices"
