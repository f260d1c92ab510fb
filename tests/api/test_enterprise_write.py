"""POST and PATCH /api/v1/enterprises: the web form's validation and the services' scope checks."""

from fugong.core.models import AuditEntry
from fugong.enterprises.models import Enterprise

from .conftest import NEW_CODE, send

URL = "/api/v1/enterprises"
INVALID = "提交的数据有误"


def url_of(world, key: str) -> str:
    return f"{URL}/{world.enterprises[key].pk}"


# --- create ---------------------------------------------------------------------------------------


def test_street_officer_creates_an_enterprise_with_an_audit_entry(world, api_for, new_enterprise):
    payload = {
        **new_enterprise,
        "credit_code": NEW_CODE.lower(),
        "legal_rep_phone": "+86 138-1234-5678",
        "commissioner": "commissioner_A",
        "paired_leader": "leader",
        "medic": "medic_A",
        "working_group": world.groups["A"].pk,
    }

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(credit_code=NEW_CODE)
    body = response.json()
    assert body["id"] == created.pk
    assert (body["credit_code"], body["area_code"], body["area_name"]) == (
        NEW_CODE,
        "500109001001",
        "西南大学南社区",
    )
    assert (body["legal_rep_phone"], body["contact_phone"]) == ("138****5678", "159****4321")
    assert (body["commissioner"], body["paired_leader"], body["medic"], body["working_group"]) == (
        "commissioner_A",
        "leader",
        "medic_A",
        world.groups["A"].pk,
    )
    assert (created.legal_rep_phone, created.area_path) == ("13812345678", world.areas["A1"].path)
    assert (created.created_by, created.updated_by) == (world.users["street_A"], world.users["street_A"])
    entry = AuditEntry.objects.get(object_id=str(created.pk), action="create")
    assert entry.actor == world.users["street_A"]
    assert entry.changes["name"] == [None, "重庆缙云测试机械有限公司"]
    assert entry.changes["legal_rep_phone"] == [None, "138****5678"]  # the audit trail keeps it masked


def test_community_worker_creates_a_small_entity_in_their_community(world, api_for, new_enterprise):
    payload = {
        **new_enterprise,
        "category": "individual",
        "industry": "F",
        "headcount": 3,
        "local_headcount": 3,
    }

    response = send(api_for("community_A"), "post", URL, payload)

    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(credit_code=NEW_CODE).category == "individual"


def test_wrong_credit_code_bad_phone_and_local_over_total_are_422_in_chinese(
    world, api_for, new_enterprise, unchanged
):
    payload = {
        **new_enterprise,
        "credit_code": NEW_CODE[:17] + ("0" if NEW_CODE[17] != "0" else "1"),
        "legal_rep_phone": "12345",
        "contact_phone": "0238888",
        "headcount": 10,
        "local_headcount": 11,
    }

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    assert response.json() == {
        "detail": INVALID,
        "errors": {
            "credit_code": ["统一社会信用代码校验位不正确，请核对后重新输入"],
            "legal_rep_phone": ["请输入11位手机号码（1开头）"],
            "contact_phone": ["请输入11位手机号码（1开头）"],
            "local_headcount": ["本地职工数不能超过职工总数"],
        },
    }
    unchanged()


def test_short_credit_code_and_empty_required_fields(world, api_for, new_enterprise, unchanged):
    payload = {**new_enterprise, "credit_code": "9150010", "name": "", "address": "  "}

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["credit_code"] == ["统一社会信用代码应为18位，当前为7位"]
    assert errors["name"] == ["这个字段是必填项。"]
    assert errors["address"] == ["这个字段是必填项。"]
    unchanged()


def test_duplicate_credit_code_is_422(world, api_for, new_enterprise, unchanged):
    payload = {**new_enterprise, "credit_code": world.enterprises["A1_commerce"].credit_code}

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    assert response.json()["errors"] == {"credit_code": ["该统一社会信用代码已登记，请勿重复录入"]}
    unchanged()


def test_area_of_another_street_is_422_and_nothing_is_created(world, api_for, new_enterprise, unchanged):
    payload = {**new_enterprise, "area_code": world.areas["B1"].code}

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    assert response.json()["errors"] == {"area_code": ["区划编码“500109002001”不存在或不在您的管辖范围内"]}
    unchanged()


def test_assignments_outside_the_scope_are_422(world, api_for, new_enterprise, unchanged):
    payload = {
        **new_enterprise,
        "commissioner": "commissioner_B",
        "medic": "street_A",
        "working_group": world.groups["B"].pk,
    }

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "commissioner": ["用户“commissioner_B”不存在、不能担任驻企服务专员或不在您的管辖范围内"],
        "medic": ["用户“street_A”不存在、不能担任包企医护人员或不在您的管辖范围内"],
        "working_group": ["选择一个有效的选项： 该选择不在可用的选项中。"],
    }
    unchanged()


def test_type_errors_are_422_in_chinese(world, api_for, new_enterprise, unchanged):
    payload = {**new_enterprise, "headcount": "abc", "is_key_industry": "maybe", "working_group": "x"}
    del payload["name"]

    response = send(api_for("street_A"), "post", URL, payload)

    assert response.status_code == 422
    assert response.json() == {
        "detail": INVALID,
        "errors": {
            "name": ["此字段为必填项"],
            "headcount": ["应为整数"],
            "is_key_industry": ["应为 true 或 false"],
            "working_group": ["应为整数"],
        },
    }
    unchanged()


def test_broken_json_and_non_object_bodies_are_422(world, api_for, unchanged):
    client = api_for("street_A")

    broken = send(client, "post", URL, '{"name": "半截')
    array = send(client, "post", URL, "[1, 2]")
    empty = send(client, "post", URL, None)

    assert (broken.status_code, broken.json()) == (
        422,
        {"detail": INVALID, "errors": {"__all__": ["请求内容不是有效的 JSON"]}},
    )
    assert array.status_code == 422
    assert array.json()["errors"] == {"__all__": ['请求内容应为 JSON 对象，形如 {"字段": 值}']}
    assert empty.status_code == 422
    assert empty.json()["errors"] == {"__all__": ["请求内容为空，应为 JSON 对象"]}
    unchanged()


def test_commissioner_may_not_create(world, api_for, new_enterprise, unchanged):
    response = send(api_for("commissioner_A"), "post", URL, new_enterprise)

    assert (response.status_code, response.json()) == (403, {"detail": "您无权登记企业"})
    unchanged()


def test_community_worker_may_not_assign_or_register_industry(world, api_for, new_enterprise, unchanged):
    client = api_for("community_A")

    assigning = send(client, "post", URL, {**new_enterprise, "category": "individual", "commissioner": "x"})
    industry = send(client, "post", URL, new_enterprise)

    assert (assigning.status_code, assigning.json()) == (
        403,
        {"detail": "您无权填写或修改以下字段：驻企服务专员"},
    )
    assert industry.status_code == 422
    assert industry.json()["errors"] == {"category": ["选择一个有效的选项。 above_scale 不在可用的选项中。"]}
    unchanged()


def test_department_officer_may_not_create_outside_their_sector(world, api_for, new_enterprise, unchanged):
    response = send(api_for("dept"), "post", URL, {**new_enterprise, "category": "commerce"})

    assert response.status_code == 403
    assert response.json() == {"detail": "该企业（或所选区域、类别）不在您的管辖范围内"}
    unchanged()


# --- update ---------------------------------------------------------------------------------------


def test_street_officer_patches_only_the_fields_sent(world, api_for):
    e = world.enterprises["A1_commerce"]

    response = send(
        api_for("street_A"),
        "patch",
        url_of(world, "A1_commerce"),
        {"area_code": world.areas["A2"].code, "headcount": 90, "commissioner": "commissioner_A"},
    )

    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert (e.area, e.area_path, e.headcount, e.local_headcount, e.commissioner) == (
        world.areas["A2"],
        world.areas["A2"].path,
        90,
        60,
        world.users["commissioner_A"],
    )
    assert response.json()["area_code"] == world.areas["A2"].code
    entry = AuditEntry.objects.get(object_id=str(e.pk), action="update")
    assert entry.changes == {
        "area": ["西南大学南社区", "天生桥社区"],
        "headcount": [100, 90],
        "commissioner": [None, "commissioner_A"],
    }


def test_patch_clears_an_assignment_with_null(world, api_for):
    response = send(api_for("street_A"), "patch", url_of(world, "A1_above_scale"), {"commissioner": None})

    assert response.status_code == 200
    assert response.json()["commissioner"] is None
    assert Enterprise.objects.get(pk=world.enterprises["A1_above_scale"].pk).commissioner is None


def test_patch_validates_against_the_current_values(world, api_for, unchanged):
    # local headcount is 60: a total of 50 would put more local staff than staff.
    response = send(api_for("street_A"), "patch", url_of(world, "A1_commerce"), {"headcount": 50})

    assert response.status_code == 422
    assert response.json() == {
        "detail": INVALID,
        "errors": {"local_headcount": ["本地职工数不能超过职工总数"]},
    }
    unchanged()


def test_patch_with_a_bad_phone_is_422(world, api_for, unchanged):
    response = send(api_for("street_A"), "patch", url_of(world, "A1_commerce"), {"legal_rep_phone": "110"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"legal_rep_phone": ["请输入11位手机号码（1开头）"]}
    unchanged()


def test_patch_moving_to_another_street_is_422(world, api_for, unchanged):
    response = send(
        api_for("street_A"), "patch", url_of(world, "A1_commerce"), {"area_code": world.areas["B1"].code}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"area_code": ["区划编码“500109002001”不存在或不在您的管辖范围内"]}
    unchanged()


def test_street_b_patching_street_a_gets_404_and_nothing_changes(world, api_for, unchanged):
    response = send(api_for("street_B"), "patch", url_of(world, "A1_commerce"), {"name": "被改名"})

    assert (response.status_code, response.json()) == (404, {"detail": "未找到"})
    unchanged()


def test_leader_sees_but_may_not_change(world, api_for, unchanged):
    response = send(api_for("leader"), "patch", url_of(world, "A1_commerce"), {"name": "被改名"})

    assert (response.status_code, response.json()) == (403, {"detail": "您无权修改该企业的信息"})
    unchanged()


def test_commissioner_sees_their_enterprise_but_may_not_change_it(world, api_for, unchanged):
    response = send(api_for("commissioner_A"), "patch", url_of(world, "A1_above_scale"), {"headcount": 1})

    assert response.status_code == 403
    unchanged()


def test_department_officer_may_not_move_an_enterprise_out_of_their_sector(world, api_for, unchanged):
    response = send(api_for("dept"), "patch", url_of(world, "A1_above_scale"), {"category": "commerce"})

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "该企业（或所选区域、类别）不在您的管辖范围内"},
    )
    unchanged()


def test_enterprise_admin_changes_their_contact_phone(world, api_for):
    response = send(
        api_for("ent_admin_A"), "patch", url_of(world, "A1_above_scale"), {"contact_phone": "139 0000 1111"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["contact_phone"] == "139****1111"
    assert Enterprise.objects.get(pk=world.enterprises["A1_above_scale"].pk).contact_phone == "13900001111"
    entry = AuditEntry.objects.get(object_id=str(world.enterprises["A1_above_scale"].pk), action="update")
    assert entry.actor == world.users["ent_admin_A"]


def test_enterprise_admin_may_not_change_the_category(world, api_for, unchanged):
    response = send(
        api_for("ent_admin_A"),
        "patch",
        url_of(world, "A1_above_scale"),
        {"category": "commerce", "name": "新名字", "contact_phone": "13900001111"},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "您无权填写或修改以下字段：企业名称、企业类别"}
    unchanged()


def test_enterprise_admin_may_send_unchanged_values_of_other_fields(world, api_for):
    e = world.enterprises["A1_above_scale"]

    response = send(
        api_for("ent_admin_A"),
        "patch",
        url_of(world, "A1_above_scale"),
        {
            "category": e.category,
            "area_code": e.area.code,
            "commissioner": "commissioner_A",
            "address": "天生路8号",
        },
    )

    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert (e.address, e.category) == ("天生路8号", "above_scale")


def test_enterprise_admin_cannot_reach_another_enterprise(world, api_for, unchanged):
    response = send(
        api_for("ent_admin_A"), "patch", url_of(world, "A1_commerce"), {"contact_phone": "13900001111"}
    )

    assert response.status_code == 404
    unchanged()


def test_employee_cannot_patch_their_employer(world, api_for, unchanged):
    response = send(api_for("employee_A"), "patch", url_of(world, "A1_above_scale"), {"headcount": 1})

    assert response.status_code == 404
    unchanged()


def test_empty_patch_changes_nothing(world, api_for, unchanged):
    response = send(api_for("street_A"), "patch", url_of(world, "A1_commerce"), {})

    assert response.status_code == 200
    assert response.json()["name"] == world.enterprises["A1_commerce"].name
    unchanged()
