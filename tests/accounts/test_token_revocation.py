"""A password change by the user, and a reset by an administrator, revoke every API token of the user
(audited); the old token answers 401 afterwards and a token taken with the new password works."""

import pytest
from django.test import Client

from fugong.accounts.models import User
from fugong.core.models import AuditEntry
from tests.world import PASSWORD

NEW = "Xinmima!2020abc"
ME = "/api/v1/auth/me"


def token_client(username: str, password: str = PASSWORD) -> Client:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def last_password_audit(user: User) -> dict:
    return AuditEntry.objects.filter(object_id=str(user.pk), changes__has_key="password").latest("pk").changes


def change_on_the_page(world, username):
    page = Client()
    page.force_login(world.users[username])
    response = page.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
    )
    assert response.status_code == 302


def change_through_the_api(world, username):
    response = token_client(username).post(
        "/api/v1/auth/password",
        {"old_password": PASSWORD, "new_password": NEW},
        content_type="application/json",
    )
    assert response.status_code == 204


def reset_on_the_page(world, username):
    admin = Client()
    admin.force_login(world.users["sysadmin"])
    response = admin.post(
        f"/accounts/users/{world.users[username].pk}/password/", {"password": NEW, "confirm_password": NEW}
    )
    assert response.status_code == 302


def reset_through_the_api(world, username):
    response = token_client("street_A").post(
        f"/api/v1/auth/users/{world.users[username].pk}/password",
        {"password": NEW},
        content_type="application/json",
    )
    assert response.status_code == 200


CHANGES = {
    "change-page": (change_on_the_page, "（已修改）"),
    "change-api": (change_through_the_api, "（已修改）"),
    "reset-page": (reset_on_the_page, "（已重置）"),
    "reset-api": (reset_through_the_api, "（已重置）"),
}


@pytest.mark.parametrize("how", sorted(CHANGES))
@pytest.mark.parametrize("username", ["community_A", "resident_A"])
def test_the_old_tokens_answer_401_and_a_new_one_works(world, how, username):
    change, audited = CHANGES[how]
    first, second = token_client(username), token_client(username)
    bystander = token_client("street_B")
    assert first.get(ME).status_code == second.get(ME).status_code == 200

    change(world, username)

    assert first.get(ME).status_code == 401
    assert second.get(ME).status_code == 401
    renewed = token_client(username, NEW)
    assert renewed.get(ME).json()["username"] == username  # the positive control: the new password works
    assert bystander.get(ME).status_code == 200  # another user's token is untouched
    changes = last_password_audit(world.users[username])
    assert changes["password"][1] == audited
    assert changes["api_tokens_revoked"] == [None, 2 if how != "change-api" else 3]


def test_a_refused_change_revokes_nothing(world):
    token = token_client("community_A")
    response = token.post(
        "/api/v1/auth/password",
        {"old_password": "not-it", "new_password": NEW},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert token.get(ME).status_code == 200
