"""The policy tables answer both questions from one set of rules: which rows a user reaches, and who
reaches a row (the responsible users notifications go to)."""

import pytest

from fugong.enterprises.models import Enterprise
from fugong.enterprises.policies import ENTERPRISE


def names(users) -> set[str]:
    return {u.username for u in users}


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            "view",
            {"leader", "street_A", "community_A", "dept_jxw", "commissioner_A", "medic_A", "ent_admin_A"},
        ),
        ("change", {"street_A", "dept_jxw", "ent_admin_A"}),
    ],
)
def test_who_reaches_an_industrial_enterprise_of_street_a(world, action, expected):
    enterprise = world.enterprises["A1_above_scale"]
    assert names(ENTERPRISE.responsible(enterprise, action)) == expected


def test_a_community_worker_changes_only_the_categories_of_community_work(world):
    shop = world.enterprises["A2_individual"]  # an individual business in community A2, not A1
    mine = world.enterprises["A1_commerce"]

    assert "community_A" not in names(ENTERPRISE.responsible(shop, "change"))
    assert "community_A" not in names(ENTERPRISE.responsible(mine, "change"))  # commerce: not community work
    assert names(ENTERPRISE.responsible(shop, "change")) >= {"street_A"}


@pytest.mark.parametrize(
    "name", ["leader", "street_A", "community_A", "dept", "commissioner_A", "ent_admin_A"]
)
@pytest.mark.parametrize("action", ["view", "change"])
def test_the_two_directions_agree_for_every_user_and_enterprise(world, name, action):
    """A user reaches an enterprise exactly when the enterprise names the user as responsible."""
    user = world.users[name]
    reached = set(Enterprise.objects.visible_to(user, action).values_list("pk", flat=True))
    for enterprise in world.enterprises.values():
        responsible = ENTERPRISE.responsible(enterprise, action).filter(pk=user.pk).exists()
        assert responsible == (enterprise.pk in reached), (name, action, enterprise.name)
        assert ENTERPRISE.allows(user, action, enterprise) == (enterprise.pk in reached)


def test_an_unknown_action_is_denied_to_everyone(world):
    enterprise = world.enterprises["A1_above_scale"]
    assert not Enterprise.objects.visible_to(world.users["ent_admin_A"], "delete").exists()
    assert not ENTERPRISE.responsible(enterprise, "delete").exists()
