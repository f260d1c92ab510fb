"""GET /api/v1/enterprises, /{id} and /{id}/history: scope, filters, pagination, masking, queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fugong.core import fake
from fugong.enterprises.models import Enterprise

URL = "/api/v1/enterprises"
A_KEYS = ("A1_above_scale", "A1_commerce", "A2_individual")
B_KEYS = ("B1_above_scale", "B1_commerce", "B1_individual")


def names(world, *keys) -> set[str]:
    return {world.enterprises[k].name for k in keys}


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_street_officer_lists_exactly_their_street(world, api_for):
    response = api_for("street_A").get(URL)

    assert listed(response) == names(world, *A_KEYS)
    assert response.json()["count"] == 3


def test_leader_lists_the_whole_district(world, api_for):
    assert api_for("leader").get(URL).json()["count"] == 6


def test_commissioner_and_medic_list_only_their_assigned_enterprise(world, api_for):
    assert listed(api_for("commissioner_A").get(URL)) == names(world, "A1_above_scale")
    assert listed(api_for("medic_B").get(URL)) == names(world, "B1_above_scale")


def test_department_officer_lists_their_sector(world, api_for):
    # 经信委 oversees industry: the two above-scale enterprises, one per street.
    assert listed(api_for("dept").get(URL)) == names(world, "A1_above_scale", "B1_above_scale")


def test_enterprise_admin_lists_their_own_enterprise(world, api_for):
    assert listed(api_for("ent_admin_A").get(URL)) == names(world, "A1_above_scale")


def test_roles_without_registry_access_are_refused(world, api_for):
    for name in ("employee_A", "resident_A", "guard_A", "site_A"):
        response = api_for(name).get(URL)
        assert response.status_code == 403, name
        assert response.json() == {"detail": "您无权查看企业名录"}


def test_item_shape_with_masked_phones(world, api_for):
    e = world.enterprises["A1_above_scale"]

    item = api_for("street_A").get(URL, {"q": e.credit_code}).json()["items"][0]

    assert item == {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name": e.name,
        "legal_rep_name": e.legal_rep_name,
        "legal_rep_phone": f"{e.legal_rep_phone[:3]}****{e.legal_rep_phone[-4:]}",
        "contact_name": e.contact_name,
        "contact_phone": f"{e.contact_phone[:3]}****{e.contact_phone[-4:]}",
        "area_code": "500109001001",
        "area_name": "西南大学南社区",
        "address": "西南大学南社区1号",
        "category": "above_scale",
        "category_label": "规上工业",
        "industry": "C",
        "industry_label": "制造业",
        "headcount": 100,
        "local_headcount": 60,
        "is_emergency_supply": False,
        "is_key_industry": False,
        "commissioner": "commissioner_A",
        "paired_leader": None,
        "medic": "medic_A",
        "working_group": None,
        "updated_at": item["updated_at"],
    }
    assert item["updated_at"].endswith("+08:00")


def test_no_full_phone_number_anywhere_in_the_list(world, api_for):
    body = api_for("leader").get(URL).content.decode()

    for e in Enterprise.objects.all():
        assert e.legal_rep_phone not in body
        assert e.contact_phone not in body


def test_area_filter_takes_a_code_and_covers_the_subtree(world, api_for):
    client = api_for("leader")

    assert listed(client.get(URL, {"area": world.areas["A"].code})) == names(world, *A_KEYS)
    assert listed(client.get(URL, {"area": world.areas["A2"].code})) == names(world, "A2_individual")


def test_area_filter_outside_the_scope_matches_nothing(world, api_for):
    response = api_for("street_A").get(URL, {"area": world.areas["B"].code})

    assert response.json() == {"items": [], "count": 0}


def test_search_category_industry_and_flags(world, api_for):
    client = api_for("leader")
    Enterprise.objects.filter(pk=world.enterprises["B1_commerce"].pk).update(
        is_emergency_supply=True, industry="F"
    )
    Enterprise.objects.filter(pk=world.enterprises["A1_commerce"].pk).update(is_key_industry=True)
    rep = world.enterprises["A2_individual"].legal_rep_name

    assert listed(client.get(URL, {"category": "commerce"})) == names(world, "A1_commerce", "B1_commerce")
    assert listed(client.get(URL, {"industry": "F"})) == names(world, "B1_commerce")
    assert listed(client.get(URL, {"emergency": "1"})) == names(world, "B1_commerce")
    assert listed(client.get(URL, {"key_industry": "1"})) == names(world, "A1_commerce")
    assert listed(client.get(URL, {"q": rep})) >= names(world, "A2_individual")
    assert listed(
        client.get(URL, {"q": world.enterprises["B1_individual"].credit_code[:17].lower()})
    ) == names(world, "B1_individual")
    assert listed(client.get(URL, {"category": "commerce", "area": world.areas["B"].code})) == names(
        world, "B1_commerce"
    )


def test_search_never_reaches_outside_the_scope(world, api_for):
    response = api_for("street_A").get(URL, {"q": world.enterprises["B1_commerce"].name})

    assert response.json() == {"items": [], "count": 0}


def test_sort_and_pagination(world, api_for):
    client = api_for("leader")
    for i, key in enumerate(
        ("A1_above_scale", "A1_commerce", "A2_individual", "B1_above_scale", "B1_commerce", "B1_individual")
    ):
        Enterprise.objects.filter(pk=world.enterprises[key].pk).update(headcount=100 + i)
    order = [
        "B1_individual",
        "B1_commerce",
        "B1_above_scale",
        "A2_individual",
        "A1_commerce",
        "A1_above_scale",
    ]

    pages = [client.get(URL, {"sort": "-headcount", "page_size": 4, "page": p}).json() for p in (1, 2, 3)]

    assert [i["name"] for i in pages[0]["items"]] == [world.enterprises[k].name for k in order[:4]]
    assert [i["name"] for i in pages[1]["items"]] == [world.enterprises[k].name for k in order[4:]]
    assert pages[2] == {"items": [], "count": 6}
    assert {p["count"] for p in pages} == {6}


def test_page_size_defaults_to_50_and_caps_at_200(world, api_for):
    client = api_for("leader")
    area = world.areas["A1"]
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=fake.credit_code(600000 + i),
                name=f"批量企业{i:03d}",
                legal_rep_name="张三",
                legal_rep_phone="13800000000",
                area=area,
                area_path=area.path,
                address="x",
                category="commerce",
                industry="F",
                headcount=1,
                local_headcount=1,
            )
            for i in range(60)
        ]
    )

    first = client.get(URL).json()
    biggest = client.get(URL, {"page_size": 200}).json()

    assert (len(first["items"]), first["count"]) == (50, 66)
    assert len(biggest["items"]) == 66


def test_bad_paging_and_filter_values_are_422_in_chinese(world, api_for):
    client = api_for("leader")
    cases = {
        ("page", "0"): ["数值过小"],
        ("page", "abc"): ["应为整数"],
        ("page_size", "201"): ["数值过大"],
        ("page_size", "0"): ["数值过小"],
        ("category", "planet"): ["选择一个有效的选项。 planet 不在可用的选项中。"],
        ("sort", "password"): ["选择一个有效的选项。 password 不在可用的选项中。"],
        ("emergency", "yes"): ["选择一个有效的选项。 yes 不在可用的选项中。"],
    }
    for (param, value), messages in cases.items():
        response = client.get(URL, {param: value})
        assert response.status_code == 422, (param, value)
        assert response.json() == {"detail": "提交的数据有误", "errors": {param: messages}}


def test_list_queries_do_not_grow_with_the_rows(world, api_for):
    client = api_for("leader")
    client.get(URL)  # the token's last-used stamp is written on first use
    Enterprise.objects.filter(category="commerce").update(
        paired_leader=world.users["leader"], working_group=world.groups["A"]
    )

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL, {"page_size": 1}).json()["count"] == 6
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(URL, {"area": world.areas["district"].code}).json()["items"]) == 6

    # token + count + page; the area filter adds its one lookup of the area's path.
    assert len(one) == 3
    assert len(six) == 4


def test_detail_of_an_enterprise_in_scope(world, api_for):
    e = world.enterprises["A2_individual"]

    response = api_for("community_A").get(f"{URL}/{world.enterprises['A1_commerce'].pk}")
    other = api_for("street_A").get(f"{URL}/{e.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == world.enterprises["A1_commerce"].name
    assert other.json()["area_code"] == world.areas["A2"].code


def test_detail_of_another_street_is_404_like_a_missing_one(world, api_for):
    client = api_for("street_A")

    other = client.get(f"{URL}/{world.enterprises['B1_commerce'].pk}")
    missing = client.get(f"{URL}/999999")
    beyond_bigint = client.get(f"{URL}/{10**30}")

    assert (other.status_code, other.json()) == (404, {"detail": "未找到"})
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到"})
    assert (beyond_bigint.status_code, beyond_bigint.json()) == (404, {"detail": "未找到"})


def test_community_worker_does_not_see_the_other_community(world, api_for):
    response = api_for("community_A").get(f"{URL}/{world.enterprises['A2_individual'].pk}")

    assert response.status_code == 404


def test_detail_with_a_non_numeric_id_is_422(world, api_for):
    response = api_for("street_A").get(f"{URL}/abc")

    assert response.status_code == 422
    assert response.json() == {"detail": "提交的数据有误", "errors": {"enterprise_id": ["应为整数"]}}


def test_history_lists_changes_newest_first_and_is_scoped(world, api_for):
    e = world.enterprises["A1_commerce"]
    client = api_for("street_A")
    client.patch(f"{URL}/{e.pk}", {"headcount": 150}, content_type="application/json")
    client.patch(f"{URL}/{e.pk}", {"contact_phone": "13911112222"}, content_type="application/json")

    response = client.get(f"{URL}/{e.pk}/history")
    refused = api_for("street_B").get(f"{URL}/{e.pk}/history")

    body = response.json()
    assert body["count"] == 2
    assert [i["changes"] for i in body["items"]] == [
        {"contact_phone": [f"{e.contact_phone[:3]}****{e.contact_phone[-4:]}", "139****2222"]},
        {"headcount": [100, 150]},
    ]
    assert {(i["action"], i["action_label"], i["actor"]) for i in body["items"]} == {
        ("update", "修改", "street_A")
    }
    assert (refused.status_code, refused.json()) == (404, {"detail": "未找到"})
