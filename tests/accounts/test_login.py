"""Login through the page (its throttle: test_throttle.py): an explicit lock, no username oracle, safe ``next``, session timeout, password change."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from fugong.accounts.models import User
from tests.world import PASSWORD

BAD = "用户名或密码错误"


def login(client: Client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def errors_of(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_login_succeeds_with_the_right_password(world, client):
    response = login(client, "street_A", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world.users["street_A"].pk)


def test_an_explicit_lock_refuses_like_a_wrong_password(world, client):
    User.objects.filter(username="street_A").update(locked_until=timezone.now() + dt.timedelta(minutes=5))

    response = login(client, "street_A", PASSWORD)

    assert errors_of(response) == [BAD]
    assert "_auth_user_id" not in client.session


def test_login_works_again_once_the_lock_has_passed(world, client):
    User.objects.filter(username="street_A").update(locked_until=timezone.now() - dt.timedelta(seconds=1))

    response = login(client, "street_A", PASSWORD)

    assert response.status_code == 302


def test_a_wrong_password_does_not_reveal_whether_the_username_exists(world, client):
    known = login(client, "street_A", "wrong-password")
    unknown = login(client, "no_such_user", "wrong-password")

    assert known.status_code == unknown.status_code == 200
    assert errors_of(known) == errors_of(unknown) == [BAD]


def test_a_disabled_account_gets_the_same_message(world, client):
    User.objects.filter(username="street_A").update(is_active=False)
    assert errors_of(login(client, "street_A", PASSWORD)) == [BAD]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/enterprises/", "/enterprises/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("http://testserver/areas/", "http://testserver/areas/"),
    ],
)
def test_next_cannot_redirect_off_site(world, client, target, expected):
    response = login(client, "street_A", PASSWORD, next=target)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_next_from_the_query_string_is_checked_too(world, client):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "street_A", "password": PASSWORD}
    )
    assert response["Location"] == "/"


# --- session timeout --------------------------------------------------------------------------------


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_session_expires_after_the_idle_time(world, client):
    # Given a fresh login
    before = timezone.now()
    login(client, "street_A", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    # Then the server ends the session SESSION_COOKIE_AGE seconds later (idle timeout), and the
    # cookie itself lives only as long as the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE)
    expires = _session_row(client).expire_date
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + age <= expires <= timezone.now() + age
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True


def test_each_request_renews_the_idle_time(world, client):
    login(client, "street_A", PASSWORD)
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )

    assert client.get("/accounts/users/").status_code == 200

    remaining = _session_row(client).expire_date - timezone.now()
    assert remaining > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_expired_session_is_sent_to_login(world, client):
    login(client, "street_A", PASSWORD)
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.get("/accounts/users/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/users/"


def test_logout_needs_post_and_ends_the_session(world, client):
    login(client, "street_A", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/users/").status_code == 302


# --- password change --------------------------------------------------------------------------------

NEW = "Xinmima!2020abc"


def test_password_change_keeps_the_session_and_takes_effect(world, client):
    login(client, "street_A", PASSWORD)

    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
    )

    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    user = User.objects.get(username="street_A")
    assert user.check_password(NEW)
    assert user.password_changed_at is not None


def test_password_change_refuses_a_wrong_old_password(world, client):
    login(client, "street_A", PASSWORD)

    response = client.post(
        "/accounts/password/", {"old_password": "not-it", "new_password": NEW, "confirm_password": NEW}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == ["原密码不正确"]
    assert User.objects.get(username="street_A").check_password(PASSWORD)


def test_password_change_refuses_a_mismatch_and_a_weak_password(world, client):
    login(client, "street_A", PASSWORD)

    mismatch = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"}
    )
    weak = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password": "abc", "confirm_password": "abc"}
    )

    assert mismatch.context["form"].errors["confirm_password"] == ["两次输入的新密码不一致"]
    assert weak.context["form"].errors["new_password"] == [
        "密码太短，至少需要 8 个字符。",
        "这个密码太常见了。",
    ]
    assert User.objects.get(username="street_A").check_password(PASSWORD)


def test_password_change_needs_login(db, client):
    assert client.get("/accounts/password/")["Location"] == "/accounts/login/?next=/accounts/password/"


def test_login_page_states_the_throttle_rule_from_settings(db, client):
    body = client.get("/accounts/login/").content.decode()
    assert (
        f"在同一设备上{settings.LOGIN_LOCKOUT_MINUTES}分钟内输错密码{settings.LOGIN_MAX_FAILURES}次，需等待后再试"
        in body
    )
