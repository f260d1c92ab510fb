"""The area tree and working groups for the scope matrix (tests/test_scope_matrix.py, tests/scope.py)."""

from fugong.areas.models import WorkingGroup, WorkingGroupMember
from tests.scope import COMMUNITY, STREET, Listing, Target


def community(world, side):
    area = world.areas[side.area]
    return {"code": area.code, "object": area}


def group(world, side) -> WorkingGroup:
    """A grid group of the side's community, its worker a member."""
    area = world.areas[side.area]
    group, created = WorkingGroup.objects.get_or_create(
        name=f"{area.name}网格工作组", defaults={"kind": "grid", "area": area}
    )
    if created:
        WorkingGroupMember.objects.create(group=group, user=world.users[side.worker], duty="member")
    return group


def group_member(world, side):
    g = group(world, side)
    return {"pk": g.pk, "user_id": world.users[side.worker].pk, "object": g}


def api_group_member(world, side):
    g = group(world, side)
    return {"group_id": g.pk, "user_id": world.users[side.worker].pk, "object": g}


def name(row) -> str:
    return row["object"].name if isinstance(row, dict) else row.name


TARGETS = {
    "areas:detail": Target(community, STREET, COMMUNITY),
    "areas:group_detail": Target(group, STREET, COMMUNITY),
    # Changing a group is for street officers (and the district leader, read-only elsewhere).
    "areas:group_edit": Target(group, STREET),
    "areas:group_member_add": Target(group, STREET),
    "areas:group_member_remove": Target(group_member, STREET),
    "api-1.0.0:get_group": Target(group, STREET, COMMUNITY),
    "api-1.0.0:update_group": Target(group, STREET, data=lambda g: {"note": "每日巡查"}),
    "api-1.0.0:add_member": Target(group, STREET),
    "api-1.0.0:remove_member": Target(api_group_member, STREET),
}
LISTS = {
    "areas:list": Listing(community, name, STREET, COMMUNITY),
    "api-1.0.0:list_areas": Listing(community, name, STREET, COMMUNITY),
    "areas:groups": Listing(group, name, STREET, COMMUNITY),
    "api-1.0.0:list_groups": Listing(group, name, STREET, COMMUNITY),
}
PAGES = {
    "areas:departments": "dept",
    "areas:group_create": "street_A",
    "api-1.0.0:create_group": "street_A",
    "areas:import": "sysadmin",
    "areas:import_template": "sysadmin",
    "api-1.0.0:import_areas": "sysadmin",
}
