"""Login throttles, on the page and on POST /api/v1/auth/token: failures count per username+client and
per client; a stranger elsewhere never locks the real user out; unknown usernames answer exactly like
known ones; 解除锁定 starts every client over; the window passes."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings
from django.utils import timezone

from fugong.accounts.models import ApiToken, User
from tests.clock import travel_to
from tests.world import PASSWORD

STRANGER, OWNER = "203.0.113.9", "198.51.100.7"
BAD = "用户名或密码错误"
THROTTLED = re.compile(r"^尝试次数过多，请 (\d+) 分钟后再试$")


def page_login(username: str, password: str, ip: str) -> tuple[int, str, Client]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    if response.status_code == 302:
        return 302, "", client
    return response.status_code, " ".join(response.context["form"].non_field_errors()), client


def api_login(username: str, password: str, ip: str) -> tuple[int, str, Client]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    if response.status_code == 200:
        return 200, "", client
    return response.status_code, response.json()["detail"], client


SURFACES = {"page": (page_login, 302, 200), "api": (api_login, 200, 401)}


@pytest.fixture(params=sorted(SURFACES))
def surface(request):
    """(login function, status of a success, status of a wrong password) for the page and the API."""
    return SURFACES[request.param]


def fail_until_throttled(login, username: str, ip: str, wrong_status: int) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert login(username, "wrong-password", ip)[:2] == (wrong_status, BAD)


def test_a_stranger_exhausts_only_their_own_client_and_the_real_user_still_signs_in(world, surface):
    login, ok, wrong = surface
    # Given a stranger who tried five wrong passwords for street_A
    fail_until_throttled(login, "street_A", STRANGER, wrong)

    # Then the stranger is refused even with the right password (the guess is not judged)
    status, message, _client = login("street_A", PASSWORD, STRANGER)
    assert status == 429 and THROTTLED.match(message)
    # And the real user, from their own client, signs in at once
    assert login("street_A", PASSWORD, OWNER)[0] == ok
    assert not User.objects.get(username="street_A").is_locked


def test_the_throttled_answer_tells_when_and_gives_no_session_or_token(world, client):
    fail_until_throttled(page_login, "street_A", STRANGER, 200)
    page = Client(REMOTE_ADDR=STRANGER)

    response = page.post("/accounts/login/", {"username": "street_A", "password": PASSWORD})
    api = page.post(
        "/api/v1/auth/token", {"username": "street_A", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 429 and api.status_code == 429
    minutes = int(THROTTLED.match(api.json()["detail"]).group(1))
    assert 1 <= minutes <= settings.LOGIN_LOCKOUT_MINUTES
    assert 0 < int(api["Retry-After"]) <= settings.LOGIN_LOCKOUT_MINUTES * 60
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_LOCKOUT_MINUTES * 60
    assert "尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in page.session
    assert not ApiToken.objects.exists()


def test_four_failures_leave_the_pair_free(world, surface):
    login, ok, wrong = surface
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login("street_A", "wrong-password", STRANGER)

    assert login("street_A", PASSWORD, STRANGER)[0] == ok


@pytest.mark.parametrize("username", ["no_such_user", "street_A", "Street_A "])
def test_unknown_and_known_usernames_answer_alike_before_and_after_the_throttle(world, surface, username):
    login, _ok, wrong = surface
    known = [login("community_A", "wrong-password", OWNER)[:2] for _ in range(settings.LOGIN_MAX_FAILURES)]
    tried = [login(username, "wrong-password", STRANGER)[:2] for _ in range(settings.LOGIN_MAX_FAILURES)]

    assert tried == known == [(wrong, BAD)] * settings.LOGIN_MAX_FAILURES
    after_known = login("community_A", "wrong-password", OWNER)[:2]
    after_tried = login(username, "wrong-password", STRANGER)[:2]
    assert after_known[0] == after_tried[0] == 429
    assert THROTTLED.match(after_known[1]) and THROTTLED.match(after_tried[1])


def test_a_disabled_account_is_throttled_like_any_other(world, surface):
    login, _ok, wrong = surface
    User.objects.filter(username="street_A").update(is_active=False)
    fail_until_throttled(login, "street_A", STRANGER, wrong)
    assert login("street_A", PASSWORD, STRANGER)[0] == 429


@override_settings(FUGONG_THROTTLE_LOGIN_CLIENT="6/15m")
def test_one_client_trying_many_usernames_is_capped_across_them(world, surface):
    login, ok, wrong = surface
    for name in ["a1", "a2", "street_B", "community_A", "a5", "a6"]:  # one failure each: no pair runs out
        assert login(name, "wrong-password", STRANGER)[0] == wrong

    assert login("street_A", PASSWORD, STRANGER)[0] == 429  # a name it never tried, the right password
    assert login("street_A", PASSWORD, OWNER)[0] == ok  # another client is not affected


def test_forged_forwarded_for_does_not_give_a_new_client(world, surface):
    login, _ok, wrong = surface
    fail_until_throttled(login, "street_A", STRANGER, wrong)

    client = Client(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.77")
    response = client.post("/accounts/login/", {"username": "street_A", "password": PASSWORD})

    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_clients_are_told_apart_by_forwarded_for(world):
    proxy = "10.0.0.1"

    def via_proxy(client_ip: str, password: str) -> int:
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_ip)
        return client.post("/accounts/login/", {"username": "street_A", "password": password}).status_code

    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert via_proxy(STRANGER, "wrong-password") == 200

    assert via_proxy(STRANGER, PASSWORD) == 429
    assert via_proxy(OWNER, PASSWORD) == 302  # the proxy's address is not one shared bucket


def test_ipv6_clients_count_per_64_network(world):
    fail_until_throttled(page_login, "street_A", "2001:db8:1:2::1", 200)

    assert page_login("street_A", PASSWORD, "2001:db8:1:2::ffff")[0] == 429  # same /64
    assert page_login("street_A", PASSWORD, "2001:db8:1:3::1")[0] == 302  # another network


def test_the_pair_may_try_again_once_the_window_has_passed(world, surface):
    login, ok, wrong = surface
    with travel_to(2020, 3, 4, 9, 0):
        fail_until_throttled(login, "street_A", STRANGER, wrong)
        assert login("street_A", PASSWORD, STRANGER)[0] == 429
    with travel_to(2020, 3, 4, 9, settings.LOGIN_LOCKOUT_MINUTES + 1):
        assert login("street_A", PASSWORD, STRANGER)[0] == ok


def test_a_throttled_stranger_leaves_the_real_users_token_working(world, api_for):
    owner = api_for("street_A")
    fail_until_throttled(api_login, "street_A", STRANGER, 401)

    assert owner.get("/api/v1/auth/me").status_code == 200


# --- 解除锁定 clears every client's counters for that username -----------------------------------------


def test_unlock_on_the_page_lets_the_throttled_client_in_again(world, client_for):
    fail_until_throttled(page_login, "street_A", OWNER, 200)
    target = world.users["street_A"]
    admin = client_for("sysadmin")
    button = f'href="/accounts/users/{target.pk}/unlock/"'
    assert button in admin.get(f"/accounts/users/{target.pk}/").content.decode()  # shown as locked
    assert page_login("street_A", PASSWORD, OWNER)[0] == 429  # still throttled before the unlock

    assert admin.post(f"/accounts/users/{target.pk}/unlock/").status_code == 302

    assert page_login("street_A", PASSWORD, OWNER)[0] == 302
    assert button not in admin.get(f"/accounts/users/{target.pk}/").content.decode()


def test_unlock_through_the_api_lets_the_throttled_client_in_again(world, api_for):
    fail_until_throttled(api_login, "community_A", OWNER, 401)
    target = world.users["community_A"]
    assert api_login("community_A", PASSWORD, OWNER)[0] == 429

    response = api_for("street_A").post(f"/api/v1/auth/users/{target.pk}/unlock")

    assert response.status_code == 200 and response.json()["status"] == "active"
    assert api_login("community_A", PASSWORD, OWNER)[0] == 200


def test_unlocking_one_username_leaves_others_throttled(world, client_for):
    fail_until_throttled(page_login, "street_A", OWNER, 200)
    fail_until_throttled(page_login, "community_A", OWNER, 200)

    client_for("sysadmin").post(f"/accounts/users/{world.users['street_A'].pk}/unlock/")

    assert page_login("street_A", PASSWORD, OWNER)[0] == 302
    assert page_login("community_A", PASSWORD, OWNER)[0] == 429


def test_an_explicit_lock_still_refuses_and_unlock_lifts_it(world, client_for):
    target = world.users["street_A"]
    User.objects.filter(pk=target.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=30))
    assert page_login("street_A", PASSWORD, OWNER)[:2] == (200, BAD)

    client_for("sysadmin").post(f"/accounts/users/{target.pk}/unlock/")

    assert page_login("street_A", PASSWORD, OWNER)[0] == 302


# --- equal work for unknown and known usernames --------------------------------------------------------


@pytest.mark.parametrize("username", ["no_such_user", "street_A"])
def test_the_password_hasher_runs_for_unknown_users_too(world, monkeypatch, username):
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)

    assert page_login(username, "wrong-password", OWNER)[:2] == (200, BAD)
    assert calls == ["wrong-password"]
