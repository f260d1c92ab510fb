"""The enterprise list page: scope, search, filters, sorting, pagination and a bounded query count."""

import pytest

from fugong.accounts.models import User
from fugong.core import fake
from fugong.core.access import Role
from fugong.core.masking import mask_phone
from fugong.enterprises.models import Enterprise

A_KEYS = ("A1_above_scale", "A1_commerce", "A2_individual")
B_KEYS = ("B1_above_scale", "B1_commerce", "B1_individual")


def names(response) -> list[str]:
    return [e.name for e in response.context["page"]]


def make_many(world, n: int, area_key: str = "A1", start: int = 0) -> None:
    area = world.areas[area_key]
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=fake.credit_code(20000 + start + i),
                name=f"批量企业{start + i:03d}",
                legal_rep_name="赵六",
                legal_rep_phone=fake.mobile(20000 + i),
                area=area,
                area_path=area.path,
                address="测试路",
                category="commerce",
                industry="F",
                headcount=10,
                local_headcount=5,
                commissioner=world.users["commissioner_A"],
            )
            for i in range(n)
        ]
    )


def test_street_officer_sees_only_own_street_with_total(world, client_for):
    # Given street A's officer; when they open the list
    response = client_for("street_A").get("/enterprises/")
    # Then exactly A's three enterprises are listed and counted, none of B's
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(world.enterprises[k].name for k in A_KEYS)
    assert response.context["page"].paginator.count == 3
    body = response.content.decode()
    assert "共 3 家" in body
    for key in B_KEYS:
        assert world.enterprises[key].name not in body


def test_phones_are_masked_in_the_list(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    body = client_for("street_A").get("/enterprises/").content.decode()
    assert mask_phone(enterprise.legal_rep_phone) in body
    assert enterprise.legal_rep_phone not in body


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("commissioner_A", ["A1_above_scale"]),
        ("community_A", ["A1_above_scale", "A1_commerce"]),
        ("dept", ["A1_above_scale", "B1_above_scale"]),
        ("ent_admin_B", ["B1_above_scale"]),
        ("leader", list(A_KEYS + B_KEYS)),
    ],
)
def test_each_role_lists_its_scope(world, client_for, user, expected):
    response = client_for(user).get("/enterprises/")
    assert sorted(names(response)) == sorted(world.enterprises[k].name for k in expected)


@pytest.mark.parametrize("user", ["resident_A", "guard_A", "employee_A", "site_A"])
def test_roles_without_the_registry_are_refused(client_for, user):
    assert client_for(user).get("/enterprises/").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_search_by_name_credit_code_and_legal_rep(world, client_for):
    client = client_for("street_A")
    target = world.enterprises["A1_commerce"]
    assert names(client.get("/enterprises/", {"q": target.name[2:8]})) == [target.name]
    assert names(client.get("/enterprises/", {"q": target.credit_code.lower()})) == [target.name]
    by_rep = names(client.get("/enterprises/", {"q": target.legal_rep_name}))
    assert target.name in by_rep
    # a B enterprise's exact code finds nothing for A
    assert names(client.get("/enterprises/", {"q": world.enterprises["B1_commerce"].credit_code})) == []


def test_filters_category_area_and_flags(world, client_for):
    client = client_for("street_A")
    assert names(client.get("/enterprises/", {"category": "individual"})) == [
        world.enterprises["A2_individual"].name
    ]
    assert sorted(names(client.get("/enterprises/", {"area": world.areas["A1"].code}))) == sorted(
        world.enterprises[k].name for k in ("A1_above_scale", "A1_commerce")
    )
    # B's area code is not visible to A: nothing, not B's rows
    assert names(client.get("/enterprises/", {"area": world.areas["B1"].code})) == []
    assert sorted(names(client.get("/enterprises/", {"unassigned": "1"}))) == sorted(
        world.enterprises[k].name for k in ("A1_commerce", "A2_individual")
    )
    Enterprise.objects.filter(pk=world.enterprises["A1_commerce"].pk).update(is_emergency_supply=True)
    assert names(client.get("/enterprises/", {"emergency": "1"})) == [world.enterprises["A1_commerce"].name]
    assert names(client.get("/enterprises/", {"key_industry": "1"})) == []


def test_area_select_offers_only_visible_areas(world, client_for):
    response = client_for("street_A").get("/enterprises/")
    codes = [code for code, _ in response.context["area_choices"]]
    assert codes == [world.areas[k].code for k in ("A", "A1", "A2")]


def test_empty_state_tells_what_to_do(world, client):
    # Given a grid worker whose grid has no enterprise yet
    grid_worker = User.objects.create(
        username="grid_A", full_name="网格员", role=Role.COMMUNITY_WORKER, scope_area=world.areas["A1g"]
    )
    client.force_login(grid_worker)
    body = client.get("/enterprises/").content.decode()
    assert "您的管辖范围内还没有登记企业" in body
    assert "/enterprises/new/" in body  # a community worker may register, but not bulk-import
    assert "/enterprises/import/" not in body
    filtered = client.get("/enterprises/", {"q": "不存在的企业"}).content.decode()
    assert "没有符合筛选条件的企业" in filtered


def test_sort_by_headcount_both_ways_and_header_link_toggles(world, client_for):
    Enterprise.objects.filter(pk=world.enterprises["A2_individual"].pk).update(
        headcount=300, local_headcount=1
    )
    Enterprise.objects.filter(pk=world.enterprises["A1_commerce"].pk).update(headcount=5, local_headcount=1)
    client = client_for("street_A")
    ascending = client.get("/enterprises/", {"sort": "headcount"})
    assert names(ascending) == [
        world.enterprises[k].name for k in ("A1_commerce", "A1_above_scale", "A2_individual")
    ]
    assert ascending.context["sort"]["headcount"] == {
        "label": "职工总数",
        "next": "-headcount",
        "state": "asc",
    }
    descending = client.get("/enterprises/", {"sort": "-headcount"})
    assert names(descending) == [
        world.enterprises[k].name for k in ("A2_individual", "A1_above_scale", "A1_commerce")
    ]


def test_pagination_50_per_page(world, client_for):
    make_many(world, 60)
    client = client_for("street_A")
    first = client.get("/enterprises/", {"sort": "name"})
    second = client.get("/enterprises/", {"sort": "name", "page": 2})
    assert first.context["page"].paginator.count == 63
    assert len(names(first)) == 50 and len(names(second)) == 13
    assert not set(names(first)) & set(names(second))
    assert "共 63 条，第 1 / 2 页" in first.content.decode()


def test_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    # Given a filtered list of 2 rows, then of 62 rows (50 on the page, each with area and commissioner)
    client = client_for("street_A")
    params = {"area": world.areas["A1"].code}
    with django_assert_max_num_queries(12) as few:
        client.get("/enterprises/", params)
    make_many(world, 60)
    # Then the full page costs no more queries than the small one
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/enterprises/", params)
    assert len(names(response)) == 50


@pytest.mark.parametrize(
    ("user", "create", "imports", "export"),
    [
        ("street_A", True, True, True),
        ("community_A", True, False, True),
        ("leader", False, False, True),
        ("ent_admin_A", False, False, False),
    ],
)
def test_buttons_follow_capabilities(world, client_for, user, create, imports, export):
    body = client_for(user).get("/enterprises/").content.decode()
    assert ("新增企业" in body) is create
    assert ('href="/enterprises/import/"' in body) is imports
    assert ("导出Excel" in body) is export


def test_export_button_carries_current_filters(world, client_for):
    body = client_for("street_A").get("/enterprises/", {"category": "commerce", "page": "1"}).content.decode()
    assert 'href="/enterprises/export.xlsx?category=commerce"' in body
