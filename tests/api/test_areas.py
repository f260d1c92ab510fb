"""GET /api/v1/areas: the tree as far as the caller's scope reaches, in one query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

URL = "/api/v1/areas"
ALL_CODES = [
    "500109",
    "500109001",
    "500109001001",
    "500109001001001",
    "500109001002",
    "500109002",
    "500109002001",
    "500109002001001",
]
A_CODES = ["500109001", "500109001001", "500109001001001", "500109001002"]


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()]


def test_street_officer_gets_exactly_their_street_subtree(world, api_for):
    response = api_for("street_A").get(URL)

    assert codes(response) == A_CODES
    assert response.json()[0] == {
        "code": "500109001",
        "name": "天生街道",
        "kind": "street",
        "parent_code": "500109",
    }


def test_district_leader_gets_the_whole_district_with_a_null_root_parent(world, api_for):
    response = api_for("leader").get(URL)

    assert codes(response) == ALL_CODES
    assert response.json()[0] == {"code": "500109", "name": "北碚区", "kind": "district", "parent_code": None}


def test_community_worker_gets_their_community_and_its_grid(world, api_for):
    assert codes(api_for("community_B").get(URL)) == ["500109002001", "500109002001001"]


def test_roles_without_an_area_scope_get_an_empty_list(world, api_for):
    for name in ("employee_A", "ent_admin_A"):
        response = api_for(name).get(URL)
        assert response.status_code == 200
        assert response.json() == []


def test_kind_filter(world, api_for):
    response = api_for("leader").get(URL, {"kind": "community"})

    assert codes(response) == ["500109001001", "500109001002", "500109002001"]


def test_bad_kind_is_422_in_chinese(world, api_for):
    response = api_for("leader").get(URL, {"kind": "planet"})

    assert response.status_code == 422
    assert response.json() == {"detail": "提交的数据有误", "errors": {"kind": ["不是有效的选项"]}}


def test_under_filter_gives_the_subtree_of_a_visible_node(world, api_for):
    assert codes(api_for("leader").get(URL, {"under": "500109001001"})) == ["500109001001", "500109001001001"]


def test_under_a_node_of_another_street_gives_nothing(world, api_for):
    response = api_for("street_A").get(URL, {"under": world.areas["B"].code})

    assert response.status_code == 200
    assert response.json() == []


def test_one_query_for_the_rows_however_many(world, api_for):
    client = api_for("leader")
    client.get(URL)  # warm up: the token's last-used stamp is written on first use

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert len(response.json()) == 8
    area_queries = [q["sql"] for q in queries.captured_queries if "areas_area" in q["sql"]]
    assert len(area_queries) == 1
