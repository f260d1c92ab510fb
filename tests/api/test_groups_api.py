"""/api/v1/areas/groups: the working-group pages' actions through the same services."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fugong.areas import services
from fugong.areas.models import WorkingGroup, WorkingGroupMember
from fugong.core.models import AuditEntry

BODY = {
    "name": "天生街道复工指导组",
    "kind": "guidance",
    "area_code": "500109001001",
    "department_code": "JXW",
}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def make_group(world, street="A", **kw):
    return services.group_create(
        actor=world.users[f"street_{street}"],
        name=kw.get("name", f"{street}组"),
        kind="guidance",
        area=world.areas[f"{street}1"],
    )


def test_a_street_officer_creates_a_group_in_scope_and_it_is_audited(world, api_for):
    response = post(api_for("street_A"), "/api/v1/areas/groups", BODY)

    assert response.status_code == 201, response.content
    body = response.json()
    group = WorkingGroup.objects.get(pk=body["id"])
    assert (body["area_code"], body["department_code"], body["members"]) == ("500109001001", "JXW", [])
    assert (group.area, group.department) == (world.areas["A1"], world.departments["jxw"])
    entry = AuditEntry.objects.get(object_id=str(group.pk), content_type__model="workinggroup")
    assert (entry.action, entry.actor) == ("create", world.users["street_A"])


@pytest.mark.parametrize("code", ["500109002001", "599999999999"])
def test_an_area_out_of_scope_answers_as_an_unknown_one(world, api_for, code):
    before = WorkingGroup.objects.count()

    response = post(api_for("street_A"), "/api/v1/areas/groups", {**BODY, "area_code": code})

    assert response.status_code == 422
    assert response.json()["errors"] == {"area_code": ["区划不存在或不在您的管辖范围内"]}
    assert WorkingGroup.objects.count() == before


@pytest.mark.parametrize("name", ["leader", "community_A", "ent_admin_A", "resident_A"])
def test_roles_without_group_management_are_refused_and_nothing_is_written(world, api_for, name):
    before = WorkingGroup.objects.count()

    response = post(api_for(name), "/api/v1/areas/groups", BODY)

    assert response.status_code == 403
    assert WorkingGroup.objects.count() == before


def test_members_are_added_and_removed_only_in_scope(world, api_for):
    group = make_group(world)
    client = api_for("street_A")

    added = post(
        client, f"/api/v1/areas/groups/{group.pk}/members", {"username": "community_A", "duty": "leader"}
    )
    foreign = post(client, f"/api/v1/areas/groups/{group.pk}/members", {"username": "community_B"})

    assert added.status_code == 201
    assert [(m["username"], m["duty"]) for m in added.json()["members"]] == [("community_A", "leader")]
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == {"username": ["用户不存在或不在您的管辖范围内"]}
    user_id = world.users["community_A"].pk
    removed = client.delete(f"/api/v1/areas/groups/{group.pk}/members/{user_id}")
    assert removed.status_code == 200 and removed.json()["members"] == []
    assert not WorkingGroupMember.objects.filter(group=group).exists()


def test_another_streets_group_is_not_found_for_reading_or_changing(world, api_for):
    group = make_group(world, "B")
    outsider, insider = api_for("street_A"), api_for("street_B")

    assert outsider.get(f"/api/v1/areas/groups/{group.pk}").status_code == 404
    assert (
        outsider.patch(
            f"/api/v1/areas/groups/{group.pk}", json.dumps(BODY), content_type="application/json"
        ).status_code
        == 404
    )
    assert insider.get(f"/api/v1/areas/groups/{group.pk}").json()["name"] == "B组"  # the positive control
    group.refresh_from_db()
    assert group.name == "B组"


def test_the_list_holds_only_groups_in_scope_in_a_fixed_number_of_queries(world, api_for):
    for n in range(3):
        g = make_group(world, name=f"A组{n}")
        services.group_member_add(actor=world.users["street_A"], group=g, user=world.users["community_A"])
    make_group(world, "B")
    client = api_for("street_A")

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/areas/groups").json()

    names = sorted(g["name"] for g in body["items"])
    assert names == sorted(["A组0", "A组1", "A组2", world.groups["A"].name])
    assert world.groups["B"].name not in names and "B组" not in names
    assert body["count"] == 4
    mine = [g for g in body["items"] if g["name"].startswith("A组")]
    assert all(g["members"][0]["username"] == "community_A" for g in mine)
    assert len(queries) <= 6  # token, user, count, page, members (+ token stamp): not one per group


def test_a_patch_changes_only_the_fields_given(world, api_for):
    group = make_group(world)

    response = api_for("street_A").patch(
        f"/api/v1/areas/groups/{group.pk}", json.dumps({"note": "每日巡查"}), content_type="application/json"
    )

    assert response.status_code == 200, response.content
    group.refresh_from_db()
    assert (group.name, group.note, group.area) == ("A组", "每日巡查", world.areas["A1"])
