"""/api/v1/auth/password and /api/v1/auth/users: the user-management pages' actions through the same
services, strictly inside the caller's scope; passwords never echoed."""

import json

import pytest

from fugong.accounts.models import ApiToken, User
from fugong.core.models import AuditEntry
from tests.world import PASSWORD

NEW_PASSWORD = "Xinmima!2020abc"
BODY = {
    "username": "new_worker",
    "full_name": "王小明",
    "phone": "13800138000",
    "role": "community_worker",
    "scope_code": "500109001001",
    "password": NEW_PASSWORD,
}


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def state() -> tuple:
    rows = User.objects.order_by("pk").values_list(
        "pk",
        "username",
        "password",
        "role",
        "scope_area_id",
        "scope_enterprise_id",
        "is_active",
        "locked_until",
    )
    return tuple(rows), AuditEntry.objects.count()


# --- creating ------------------------------------------------------------------------------------


def test_a_street_officer_creates_a_worker_in_scope_without_the_password_echoed(world, api_for):
    response = send(api_for("street_A"), "post", "/api/v1/auth/users", BODY)

    assert response.status_code == 201, response.content
    body = response.json()
    user = User.objects.get(username="new_worker")
    assert (body["id"], body["scope_code"], body["phone"]) == (user.pk, "500109001001", "138****8000")
    assert (user.scope_area, user.role) == (world.areas["A1"], "community_worker")
    assert user.check_password(NEW_PASSWORD)
    assert NEW_PASSWORD not in response.content.decode()
    entry = AuditEntry.objects.get(object_id=str(user.pk), content_type__model="user")
    assert (entry.action, entry.actor) == ("create", world.users["street_A"])


@pytest.mark.parametrize("code", ["500109002001", "599999999999"])
def test_a_scope_out_of_reach_answers_as_an_unknown_one_and_nothing_is_written(world, api_for, code):
    before = state()

    response = send(api_for("street_A"), "post", "/api/v1/auth/users", {**BODY, "scope_code": code})

    assert response.status_code == 422
    assert response.json()["errors"] == {"scope_code": [f"区划编码“{code}”不存在或不在您的管辖范围内"]}
    assert state() == before


def test_nobody_grants_a_role_beyond_their_own(world, api_for):
    before = state()

    response = send(
        api_for("community_A"),
        "post",
        "/api/v1/auth/users",
        {**BODY, "role": "street_officer", "scope_code": "500109001"},
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["role"]
    assert state() == before


@pytest.mark.parametrize("name", ["leader", "commissioner_A", "resident_A"])
def test_roles_without_user_management_are_refused(world, api_for, name):
    before = state()

    response = send(api_for(name), "post", "/api/v1/auth/users", BODY)

    assert response.status_code == 403
    assert state() == before


def test_bad_input_is_422_in_chinese(world, api_for):
    response = send(
        api_for("street_A"), "post", "/api/v1/auth/users", {**BODY, "password": "123", "phone": "12"}
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"password", "phone"}
    assert any("密码" in m for m in errors["password"])
    assert "123" not in response.content.decode()


def test_a_department_is_named_by_its_code(world, api_for):
    body = {**BODY, "role": "department_officer", "scope_code": "500109", "department_code": "JXW"}

    response = send(api_for("sysadmin"), "post", "/api/v1/auth/users", body)

    assert response.status_code == 201, response.content
    assert response.json()["department_code"] == "JXW"
    bad = send(
        api_for("sysadmin"),
        "post",
        "/api/v1/auth/users",
        {**body, "username": "x2", "department_code": "NOPE"},
    )
    assert bad.status_code == 422 and bad.json()["errors"] == {
        "department_code": ["部门不存在或不在您的管辖范围内"]
    }


# --- reading and changing a managed user -----------------------------------------------------------


def test_another_streets_user_is_not_found_for_any_action(world, api_for):
    target = world.users["community_B"]
    client = api_for("street_A")
    before = state()

    answers = [
        client.get(f"/api/v1/auth/users/{target.pk}"),
        send(client, "patch", f"/api/v1/auth/users/{target.pk}", {"full_name": "改名"}),
        send(client, "post", f"/api/v1/auth/users/{target.pk}/active", {"active": False}),
        send(client, "post", f"/api/v1/auth/users/{target.pk}/unlock"),
        send(client, "post", f"/api/v1/auth/users/{target.pk}/password"),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert all(target.username not in a.content.decode() for a in answers)
    assert state() == before
    assert api_for("street_B").get(f"/api/v1/auth/users/{target.pk}").status_code == 200  # positive control


def test_the_list_holds_only_managed_users(world, api_for):
    body = api_for("street_A").get("/api/v1/auth/users?page_size=500").json()

    names = {u["username"] for u in body["items"]}
    assert "community_A" in names and "community_B" not in names and "street_B" not in names
    assert body["count"] == len(body["items"])


def test_a_patch_changes_only_the_fields_given_and_keeps_the_scope(world, api_for):
    target = world.users["community_A"]

    response = send(api_for("street_A"), "patch", f"/api/v1/auth/users/{target.pk}", {"full_name": "新名字"})

    assert response.status_code == 200, response.content
    target.refresh_from_db()
    assert (target.full_name, target.scope_area, target.role) == (
        "新名字",
        world.areas["A1"],
        "community_worker",
    )


def test_a_patch_cannot_move_a_user_out_of_the_callers_scope(world, api_for):
    target = world.users["community_A"]
    before = state()

    response = send(
        api_for("street_A"), "patch", f"/api/v1/auth/users/{target.pk}", {"scope_code": "500109002001"}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["scope_code"]
    assert state() == before


def test_deactivating_revokes_tokens_and_one_cannot_reach_oneself(world, api_for):
    target = world.users["community_A"]
    api_for("community_A")  # a token to revoke
    client = api_for("street_A")

    response = send(client, "post", f"/api/v1/auth/users/{target.pk}/active", {"active": False})
    own = send(client, "post", f"/api/v1/auth/users/{world.users['street_A'].pk}/active", {"active": False})

    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not ApiToken.objects.filter(user=target).exists()
    assert own.status_code == 404  # one does not manage oneself: as on the pages
    assert User.objects.get(username="street_A").is_active


def test_unlock_lifts_a_lockout(world, api_for):
    from django.utils import timezone

    target = world.users["community_A"]
    User.objects.filter(pk=target.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=9))

    response = send(api_for("street_A"), "post", f"/api/v1/auth/users/{target.pk}/unlock")

    assert response.status_code == 200 and response.json()["status"] == "active"
    assert not User.objects.get(pk=target.pk).is_locked


def test_a_reset_password_given_is_not_echoed_and_a_generated_one_is_shown_once(world, api_for):
    target = world.users["community_A"]
    client = api_for("street_A")

    given = send(client, "post", f"/api/v1/auth/users/{target.pk}/password", {"password": NEW_PASSWORD})
    generated = send(client, "post", f"/api/v1/auth/users/{target.pk}/password")

    assert given.status_code == 200 and given.json() == {"generated_password": None}
    password = generated.json()["generated_password"]
    assert len(password) >= 12
    assert User.objects.get(pk=target.pk).check_password(password)
    assert password not in json.dumps(
        list(AuditEntry.objects.values_list("changes", flat=True)), ensure_ascii=False
    )


def test_a_weak_reset_password_is_422_and_nothing_changes(world, api_for):
    target = world.users["community_A"]
    before = state()

    response = send(
        api_for("street_A"), "post", f"/api/v1/auth/users/{target.pk}/password", {"password": "123"}
    )

    assert response.status_code == 422 and "password" in response.json()["errors"]
    assert state() == before


# --- one's own password ------------------------------------------------------------------------------


def test_changing_ones_own_password_needs_the_old_one(world, api_for):
    client = api_for("resident_A")

    wrong = send(
        client, "post", "/api/v1/auth/password", {"old_password": "nope", "new_password": NEW_PASSWORD}
    )
    right = send(
        client, "post", "/api/v1/auth/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert wrong.status_code == 422 and wrong.json()["errors"] == {"old_password": ["原密码不正确"]}
    assert right.status_code == 204
    assert User.objects.get(username="resident_A").check_password(NEW_PASSWORD)


def test_the_services_answer_in_english_for_an_english_reader(world, api_for):
    from django.conf import settings

    client = api_for("resident_A")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = send(
        client, "post", "/api/v1/auth/password", {"old_password": "nope", "new_password": NEW_PASSWORD}
    )

    assert response.json()["errors"] == {"old_password": ["The current password is incorrect"]}
