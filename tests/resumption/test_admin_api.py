"""/api/v1 for the pages that had none: bulk filing of individual businesses, the district's settings,
and the two adjustments of the command page — the same services, the same scope, the same words."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.resumption.models import CategoryPolicy, CommitmentText, Condition, EnterpriseStatus, Filing

from .test_command_page import build_scene
from .test_filing_admin import individual_in_a1


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# --- bulk filing ----------------------------------------------------------------------------------------

BULK = "/api/v1/filings/bulk"


def test_the_worker_files_an_individual_business_through_the_api(world, setup, api_for):
    shop = individual_in_a1(world)
    response = post(api_for("community_A"), BULK, {"enterprise_ids": [shop.pk], "note": "已上门核实"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 1
    assert (body["items"][0]["enterprise_id"], body["items"][0]["status"]) == (shop.pk, "filed")
    filing = Filing.objects.get(enterprise=shop)
    assert filing.decision_reason == "社区代为备案：已上门核实"
    assert EnterpriseStatus.objects.get(enterprise=shop).state == "filed"


def test_a_business_across_the_boundary_refuses_the_whole_batch(world, setup, api_for):
    shop = individual_in_a1(world)
    b = world.enterprises["B1_individual"]
    response = post(api_for("community_A"), BULK, {"enterprise_ids": [shop.pk, b.pk]})
    assert response.status_code == 403
    assert "不在您管辖范围内" in response.json()["detail"]
    assert not Filing.objects.exists()
    assert not EnterpriseStatus.objects.exclude(state="not_resumed").exists()


def test_bulk_filing_bad_input_is_a_chinese_422(world, setup, api_for):
    worker = api_for("community_A")
    response = post(worker, BULK, {"enterprise_ids": []})
    assert response.status_code == 422 and response.json()["errors"]["__all__"] == ["请至少选择一户"]
    shop = individual_in_a1(world)
    assert post(worker, BULK, {"enterprise_ids": [shop.pk]}).status_code == 201
    again = post(worker, BULK, {"enterprise_ids": [shop.pk]})
    assert again.status_code == 422 and "已有备案或已复工" in again.json()["errors"]["__all__"][0]
    assert Filing.objects.filter(enterprise=shop).count() == 1


def test_bulk_filing_is_not_for_the_enterprise_or_the_leader(world, setup, api_for):
    shop = individual_in_a1(world)
    for name in ("ent_admin_A", "leader"):
        assert post(api_for(name), BULK, {"enterprise_ids": [shop.pk]}).status_code == 403
    assert not Filing.objects.exists()


# --- the district's settings ------------------------------------------------------------------------------

SETTINGS = "/api/v1/filings/settings"


def test_the_sysadmin_reads_the_settings(world, setup, api_for):
    body = api_for("sysadmin").get(SETTINGS).json()
    above = next(p for p in body["policies"] if p["category"] == "above_scale")
    assert (above["mode"], above["review_working_days"]) == ("review", 2)
    assert [c["code"] for c in body["conditions"]][:2] == ["plan", "masks"]
    assert {c["state"] for c in body["conditions"]} == {"active"}
    assert body["commitment_current"] == "2020-1"


def test_the_sysadmin_sets_a_mode_adds_and_ends_a_condition_and_publishes_a_commitment(world, setup, api_for):
    admin = api_for("sysadmin")
    today = timezone.localdate()
    response = post(
        admin, f"{SETTINGS}/policies/commerce", {"mode": "review", "review_working_days": 3}, "put"
    )
    assert response.status_code == 200, response.content
    assert CategoryPolicy.objects.values_list("mode", "review_working_days").get(category="commerce") == (
        "review",
        3,
    )
    response = post(
        admin,
        f"{SETTINGS}/conditions",
        {
            "code": "masks",
            "title": "口罩储备",
            "rule": "mask_days",
            "threshold": 10,
            "effective_from": str(today),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "active"
    versions = Condition.objects.filter(code="masks").order_by("effective_from")
    assert [(c.threshold, c.effective_to) for c in versions] == [
        (7, today - dt.timedelta(days=1)),
        (10, None),
    ]
    new = versions.last()
    response = post(admin, f"{SETTINGS}/conditions/{new.pk}/end", {"effective_to": str(today)})
    assert response.status_code == 200 and response.json()["effective_to"] == str(today)
    response = post(
        admin,
        f"{SETTINGS}/commitments",
        {"version": "2020-2", "text": "本企业承诺……", "effective_from": str(today + dt.timedelta(days=1))},
    )
    assert response.status_code == 201, response.content
    assert CommitmentText.objects.filter(version="2020-2").exists()


def test_settings_bad_input_is_a_chinese_422_and_changes_nothing(world, setup, api_for):
    admin = api_for("sysadmin")
    before = AuditEntry.objects.count()
    yesterday = str(timezone.localdate() - dt.timedelta(days=1))
    response = post(
        admin,
        f"{SETTINGS}/conditions",
        {"code": "gloves", "title": "手套", "rule": "mask_days", "effective_from": str(timezone.localdate())},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["threshold"] == ["该检查方式须填写数量要求"]
    response = post(
        admin,
        f"{SETTINGS}/conditions",
        {"code": "gloves", "title": "手套", "rule": "plan", "effective_from": yesterday},
    )
    assert (
        response.status_code == 422
        and "生效日期不能早于今天" in response.json()["errors"]["effective_from"][0]
    )
    response = post(
        admin, f"{SETTINGS}/policies/commerce", {"mode": "review", "review_working_days": 30}, "put"
    )
    assert response.status_code == 422 and response.json()["errors"]["review_working_days"] == [
        "不超过15个工作日"
    ]
    response = post(
        admin,
        f"{SETTINGS}/commitments",
        {"version": "2020-1", "text": "x", "effective_from": str(timezone.localdate())},
    )
    assert response.status_code == 422 and response.json()["errors"]["version"] == [
        "该版本号已存在，请使用新的版本号"
    ]
    assert post(admin, f"{SETTINGS}/conditions/999999/end", {"effective_to": yesterday}).status_code == 404
    assert not Condition.objects.filter(code="gloves").exists()
    assert CategoryPolicy.objects.get(category="commerce").review_working_days != 30
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", ["street_A", "leader", "ent_admin_A"])
def test_only_the_sysadmin_configures(world, setup, api_for, name):
    client = api_for(name)
    assert client.get(SETTINGS).status_code == 403
    response = post(
        client, f"{SETTINGS}/policies/commerce", {"mode": "review", "review_working_days": 3}, "put"
    )
    assert response.status_code == 403
    assert CategoryPolicy.objects.get(category="commerce").mode == "filing"


# --- the command page's adjustments --------------------------------------------------------------------------


@pytest.fixture
def scene(world, setup):
    build_scene(world)
    return world


def adjust(world, key, what) -> str:
    return f"/api/v1/rates/enterprises/{world.enterprises[key].pk}/{what}"


def test_the_street_suspends_and_marks_out_of_scope_through_the_api(scene, api_for):
    street = api_for("street_A")
    response = post(
        street, adjust(scene, "A1_commerce", "status"), {"state": "suspended", "reason": "消毒记录缺失"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["state_label"]) == ("suspended", "停工整改")
    response = post(
        street, adjust(scene, "A1_commerce", "out-of-scope"), {"out_of_scope": True, "reason": "已停业"}
    )
    assert response.status_code == 200 and response.json()["out_of_scope"] is True
    status = EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_commerce"])
    assert (status.state, status.out_of_scope, status.out_of_scope_reason) == ("suspended", True, "已停业")


def test_another_streets_firm_is_not_found_and_unchanged(scene, api_for):
    street = api_for("street_A")
    for what, body in (
        ("status", {"state": "suspended", "reason": "试"}),
        ("out-of-scope", {"reason": "试"}),
    ):
        assert post(street, adjust(scene, "B1_commerce", what), body).status_code == 404
    status = EnterpriseStatus.objects.get(enterprise=scene.enterprises["B1_commerce"])
    assert (status.state, status.out_of_scope) == ("resumed", False)


def test_adjustment_bad_input_is_a_chinese_422(scene, api_for):
    street = api_for("street_A")
    response = post(street, adjust(scene, "A1_commerce", "status"), {"state": "suspended", "reason": " "})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == ["请填写理由"]
    response = post(street, adjust(scene, "A1_commerce", "status"), {"state": "not_resumed", "reason": "试"})
    assert response.status_code == 422
    assert response.json()["errors"]["state"] == ["只能手动设置“停工整改”或“整改后复工”"]
    response = post(street, adjust(scene, "A1_commerce", "out-of-scope"), {"reason": ""})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == ["请填写理由"]
    status = EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_commerce"])
    assert (status.state, status.out_of_scope) == ("resumed", False)


@pytest.mark.parametrize("name", ["community_A", "commissioner_A", "ent_admin_A"])
def test_roles_without_the_right_cannot_adjust(scene, api_for, name):
    response = post(api_for(name), adjust(scene, "A1_above_scale", "out-of-scope"), {"reason": "试"})
    assert response.status_code == 403
    assert not EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_above_scale"]).out_of_scope


def test_the_services_refusals_read_in_english_when_english_is_chosen(scene):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from fugong.resumption import services

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.status_change(
            actor=scene.users["street_A"], enterprise=scene.enterprises["A1_commerce"], state="", reason="试"
        )
    assert caught.value.message_dict == {
        "state": ["Only “suspended for rectification” or “resumed after rectification” can be set by hand"]
    }
