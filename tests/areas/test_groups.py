"""Working groups: scoped list and detail, create/edit in one's own area, members in scope only."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from fugong.areas import services
from fugong.areas.models import WorkingGroup, WorkingGroupMember
from fugong.core.models import AuditEntry


def group_payload(world, area="A1", **overrides) -> dict:
    data = {
        "name": "西南大学南社区复工指导组",
        "kind": "guidance",
        "area": str(world.areas[area].pk),
        "department": str(world.departments["jxw"].pk),
        "note": "指导辖区企业复工复产",
    }
    data.update(overrides)
    return data


def group_audit(group):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkingGroup), object_id=str(group.pk)
    )


def members_of(group) -> set[tuple[str, str]]:
    return set(WorkingGroupMember.objects.filter(group=group).values_list("user__username", "duty"))


def test_street_officer_lists_own_groups_only(world, client_for):
    response = client_for("street_A").get("/areas/groups/")

    assert [g.name for g in response.context["page"]] == ["天生街道工业组"]
    assert response.context["page"][0].member_count == 1
    assert "朝阳街道工业组" not in response.content.decode()


def test_a_member_sees_the_group_through_membership(world, client_for):
    # leader's area scope is the whole district: sees both; community_A sees none until it joins
    assert {g.name for g in client_for("leader").get("/areas/groups/").context["page"]} == {
        "天生街道工业组",
        "朝阳街道工业组",
    }
    assert list(client_for("community_A").get("/areas/groups/").context["page"]) == []


def test_street_officer_creates_a_group_in_own_area(world, client_for):
    response = client_for("street_A").post("/areas/groups/new/", group_payload(world))

    group = WorkingGroup.objects.get(name="西南大学南社区复工指导组")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/groups/{group.pk}/"
    assert (group.kind, group.area, group.area_path, group.department) == (
        "guidance",
        world.areas["A1"],
        "/500109/500109001/500109001001/",
        world.departments["jxw"],
    )
    entry = group_audit(group).get()
    assert (entry.action, entry.actor) == ("create", world.users["street_A"])
    assert entry.changes["area"] == [None, "西南大学南社区"]


def test_street_officer_cannot_create_a_group_in_another_street(world, client_for):
    before = WorkingGroup.objects.count()

    response = client_for("street_A").post("/areas/groups/new/", group_payload(world, area="B1"))

    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert WorkingGroup.objects.count() == before


def test_the_service_refuses_another_street_even_without_the_form(world):
    before = WorkingGroup.objects.count()
    with pytest.raises(PermissionDenied):
        services.group_create(
            actor=world.users["street_A"], name="越界组", kind="inspection", area=world.areas["B1"]
        )
    assert WorkingGroup.objects.count() == before


@pytest.mark.parametrize("name", ["community_A", "leader", "dept", "commissioner_A"])
def test_roles_without_group_management_cannot_create(world, client_for, name):
    before = WorkingGroup.objects.count()
    client = client_for(name)
    assert client.get("/areas/groups/new/").status_code == 403
    assert client.post("/areas/groups/new/", group_payload(world)).status_code == 403
    assert WorkingGroup.objects.count() == before


def test_street_officer_edits_own_group(world, client_for):
    group = world.groups["A"]

    response = client_for("street_A").post(
        f"/areas/groups/{group.pk}/edit/",
        group_payload(world, area="A", name="天生街道工业组（调整）", kind="industry", department=""),
    )

    group.refresh_from_db()
    assert response.status_code == 302
    assert (group.name, group.department, group.note) == (
        "天生街道工业组（调整）",
        None,
        "指导辖区企业复工复产",
    )
    assert group_audit(group).get().changes["name"] == ["天生街道工业组", "天生街道工业组（调整）"]


def test_groups_of_another_street_are_not_found(world, client_for):
    group = world.groups["B"]
    client = client_for("street_A")
    before = (group.name, members_of(group))

    assert client.get(f"/areas/groups/{group.pk}/").status_code == 404
    assert client.get(f"/areas/groups/{group.pk}/edit/").status_code == 404
    assert client.post(f"/areas/groups/{group.pk}/edit/", group_payload(world, area="A")).status_code == 404
    assert (
        client.post(
            f"/areas/groups/{group.pk}/members/", {"username": "community_A", "duty": "member"}
        ).status_code
        == 404
    )
    street_b = world.users["street_B"]
    assert client.post(f"/areas/groups/{group.pk}/members/{street_b.pk}/remove/").status_code == 404

    group.refresh_from_db()
    assert (group.name, members_of(group)) == before


def test_group_detail_lists_members_with_duties(world, client_for):
    response = client_for("street_A").get(f"/areas/groups/{world.groups['A'].pk}/")

    assert response.status_code == 200
    assert [(m.user.username, m.get_duty_display()) for m in response.context["members"]] == [
        ("street_A", "组长")
    ]
    assert response.context["can_change"] is True


def test_a_member_without_management_sees_the_group_read_only(world, client_for):
    group = world.groups["A"]
    WorkingGroupMember.objects.create(group=group, user=world.users["commissioner_A"], duty="member")

    response = client_for("leader").get(f"/areas/groups/{group.pk}/")

    assert response.context["can_change"] is False
    assert response.context["member_form"] is None
    assert "添加成员" not in response.content.decode()


def test_street_officer_adds_and_removes_a_member_in_scope(world, client_for):
    group = world.groups["A"]
    client = client_for("street_A")

    added = client.post(f"/areas/groups/{group.pk}/members/", {"username": "community_A", "duty": "deputy"})

    assert added.status_code == 302
    assert members_of(group) == {("street_A", "leader"), ("community_A", "deputy")}
    assert group_audit(group).get().changes == {"members": [None, "community_A（community_A，副组长）"]}

    community = world.users["community_A"]
    assert client.get(f"/areas/groups/{group.pk}/members/{community.pk}/remove/").status_code == 200
    assert ("community_A", "deputy") in members_of(group)
    removed = client.post(f"/areas/groups/{group.pk}/members/{community.pk}/remove/")

    assert removed.status_code == 302
    assert members_of(group) == {("street_A", "leader")}
    assert group_audit(group).count() == 2


def test_adding_a_member_out_of_scope_is_refused(world, client_for):
    group = world.groups["A"]

    response = client_for("street_A").post(
        f"/areas/groups/{group.pk}/members/", {"username": "community_B", "duty": "member"}
    )

    assert response.status_code == 400
    assert response.context["member_form"].errors["username"] == [
        "用户“community_B”不存在或不在您的管辖范围内"
    ]
    assert members_of(group) == {("street_A", "leader")}
    assert not group_audit(group).exists()


def test_the_service_refuses_an_out_of_scope_member_too(world):
    group = world.groups["A"]
    with pytest.raises(PermissionDenied):
        services.group_member_add(actor=world.users["street_A"], group=group, user=world.users["street_B"])
    assert members_of(group) == {("street_A", "leader")}


def test_adding_a_member_twice_is_a_clear_error(world, client_for):
    group = world.groups["A"]

    response = client_for("street_A").post(
        f"/areas/groups/{group.pk}/members/", {"username": "street_A", "duty": "member"}
    )

    assert response.status_code == 400
    assert response.context["member_form"].errors["username"] == ["该用户已是本组成员"]
    assert members_of(group) == {("street_A", "leader")}


def test_the_group_form_offers_only_areas_the_user_may_see(world, client_for):
    """The web kit narrows every model dropdown to the user's scope (core.web.forms.restrict_choices)."""
    response = client_for("street_A").get("/areas/groups/new/")

    choices = {a.code for a in response.context["form"].fields["area"].queryset}
    assert response.status_code == 200
    assert choices == {"500109001", "500109001001", "500109001002", "500109001001001"}
    page = response.content.decode()
    assert "天生桥社区" in page and "朝阳社区" not in page
    assert 'class="form-select"' in page  # and styles itself
