"""The area tree, area detail and departments, scoped to the viewer."""

import pytest

from fugong.areas.models import Area

B_NAMES = ("朝阳街道", "朝阳社区", "朝阳社区第一网格")


def tree_codes(response) -> list[str]:
    return [row.node.code for row in response.context["rows"]]


def test_street_officer_sees_only_own_subtree(world, client_for):
    response = client_for("street_A").get("/areas/")

    body = response.content.decode()
    assert response.status_code == 200
    assert tree_codes(response) == ["500109001", "500109001001", "500109001001001", "500109001002"]
    for name in B_NAMES:
        assert name not in body
    assert "天生桥社区" in body


def test_sysadmin_sees_the_whole_tree_nested(world, client_for):
    response = client_for("sysadmin").get("/areas/")

    rows = response.context["rows"]
    assert [(r.node.code, r.level) for r in rows] == [
        ("500109", 0),
        ("500109001", 1),
        ("500109001001", 2),
        ("500109001001001", 3),
        ("500109001002", 2),
        ("500109002", 1),
        ("500109002001", 2),
        ("500109002001001", 3),
    ]
    # The nested lists close exactly as often as they open
    body = response.content.decode()
    assert body.count("<details") == body.count("</details>") == 5


def test_tree_counts_visible_enterprises_per_subtree(world, client_for):
    rows = client_for("street_A").get("/areas/").context["rows"]

    assert {r.node.code: r.node.enterprises for r in rows} == {
        "500109001": 3,
        "500109001001": 2,
        "500109001001001": 0,
        "500109001002": 1,
    }


def test_tree_search_keeps_matches_and_their_ancestors(world, client_for):
    response = client_for("sysadmin").get("/areas/", {"q": "天生桥"})

    assert tree_codes(response) == ["500109", "500109001", "500109001002"]
    assert [r.node.match for r in response.context["rows"]] == [False, False, True]


def test_tree_search_by_code_prefix_stays_in_scope(world, client_for):
    response = client_for("street_A").get("/areas/", {"q": "500109002"})

    assert tree_codes(response) == []
    assert "没有名称或编码匹配的区划" in response.content.decode()


def test_tree_is_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("sysadmin")
    district = Area.objects.get(code="500109")
    Area.objects.bulk_create(
        [
            Area(
                code=f"500109900{i:03d}",
                name=f"测试街道{i}",
                kind="street",
                parent=district,
                path=f"/500109/500109900{i:03d}/",
                depth=1,
            )
            for i in range(200)
        ]
    )

    # session and user, 2 for the tree, 3 to renew the session, 1 for the menu's open door-sensor alerts
    with django_assert_max_num_queries(8):
        response = client.get("/areas/")

    assert response.context["shown"] == 208


@pytest.mark.parametrize("name", ["resident_A", "employee_A", "guard_A", "site_A", "ent_admin_A"])
def test_roles_without_area_view_are_refused(world, client_for, name):
    client = client_for(name)
    for url in ("/areas/", "/areas/500109001/", "/areas/departments/", "/areas/groups/"):
        assert client.get(url).status_code == 403, url


def test_area_detail_shows_breadcrumb_children_count_and_users(world, client_for):
    response = client_for("street_A").get("/areas/500109001001/")

    assert response.status_code == 200
    assert [a.code for a in response.context["ancestors"]] == ["500109", "500109001"]
    assert response.context["linkable"] == {"500109001"}
    assert [c.code for c in response.context["children"]] == ["500109001001001"]
    assert response.context["enterprise_count"] == 2
    (users,) = [s["rows"] for s in response.context["sections"] if s["key"] == "users"]
    assert {u.username for u in users} == {"community_A", "guard_A", "resident_A"}
    assert "本区划的账号" in response.content.decode()  # the accounts app's card is on the page


def test_area_detail_hides_users_from_viewers_who_cannot_manage_them(world, client_for):
    response = client_for("leader").get("/areas/500109001001/")
    assert [s["rows"] for s in response.context["sections"] if s["key"] == "users"] == [[]]
    assert "本区划的账号" not in response.content.decode()
    assert response.context["enterprise_count"] == 2


def test_area_of_another_street_is_not_found(world, client_for):
    client = client_for("street_A")
    assert client.get("/areas/500109002001/").status_code == 404
    assert client.get("/areas/500109002/").status_code == 404
    assert client.get("/areas/999999/").status_code == 404


def test_community_worker_sees_only_own_community(world, client_for):
    response = client_for("community_A").get("/areas/")
    assert tree_codes(response) == ["500109001001", "500109001001001"]
    assert client_for("community_A").get("/areas/500109001/").status_code == 404


def test_departments_are_listed_for_district_users(world, client_for):
    response = client_for("street_A").get("/areas/departments/")

    departments = response.context["departments"]
    assert [(d.code, d.sector_labels) for d in departments] == [
        ("JXW", ["规上工业", "规下工业"]),
        ("SWJ", ["商贸服务"]),
    ]
    assert "区经济信息委" in response.content.decode()
