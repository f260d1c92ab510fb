"""POST/DELETE /api/v1/auth/token and GET /api/v1/auth/me."""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone

from fugong.accounts.models import ApiToken, User
from tests.world import PASSWORD

from .conftest import send

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"
UNAUTHENTICATED = {"detail": "未登录，或令牌无效、已过期"}


def issue(username: str, password: str = PASSWORD):
    return send(Client(), "post", TOKEN_URL, {"username": username, "password": password})


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_token_is_issued_for_the_right_password_and_works(world):
    response = issue("street_A")

    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=world.users["street_A"])
    assert token.prefix == body["token"][:8]
    assert token.key_hash != body["token"]  # only the digest is stored
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai, as the users read it
    assert abs(expires_at - token.expires_at) < dt.timedelta(milliseconds=1)
    assert token.expires_at - timezone.now() > dt.timedelta(hours=settings.API_TOKEN_HOURS - 1)
    assert bearer(body["token"]).get(ME_URL).json()["username"] == "street_A"


def test_wrong_password_is_401_in_chinese(world):
    response = issue("street_A", "wrong-password")

    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误"}
    assert not ApiToken.objects.exists()


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(world):
    response = issue("nobody", "whatever")

    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误"}


def test_five_failures_throttle_this_client_even_for_the_right_password(world):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert issue("street_A", "wrong-password").status_code == 401

    response = issue("street_A")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("尝试次数过多，请 ")
    assert not User.objects.get(username="street_A").is_locked  # the account itself is not locked
    assert not ApiToken.objects.exists()


def test_a_locked_account_cannot_use_its_earlier_token(world, api_for):
    client = api_for("street_A")
    User.objects.filter(username="street_A").update(locked_until=timezone.now() + dt.timedelta(minutes=10))

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_request_without_password_is_422(world):
    response = send(Client(), "post", TOKEN_URL, {"username": "street_A"})

    assert response.status_code == 422
    assert response.json() == {"detail": "提交的数据有误", "errors": {"password": ["此字段为必填项"]}}


def test_expired_token_is_refused(world, api_for):
    client = api_for("street_A")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_of_a_deactivated_user_is_refused(world, api_for):
    client = api_for("street_A")
    User.objects.filter(username="street_A").update(is_active=False)

    assert client.get(ME_URL).status_code == 401


def test_garbage_tokens_are_refused(world):
    for header in (
        "Bearer nonsense",
        "Bearer ",
        "Bearer " + "x" * 500,
        "Basic c3RyZWV0X0E6eA==",
        "Token abc",
        "Bearer 令牌",
    ):
        response = Client(headers={"Authorization": header}).get(ME_URL)
        assert response.status_code == 401, header
        assert response.json() == UNAUTHENTICATED


def test_no_credentials_at_all_is_401(world):
    response = Client().get(ME_URL)

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_a_bad_token_is_401_even_with_a_valid_session(world, client_for):
    client = client_for("street_A")

    response = client.get(ME_URL, headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_me_describes_an_area_user(world, api_for):
    response = api_for("street_A").get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert {
        k: body[k]
        for k in ("username", "full_name", "role", "role_label", "scope_kind", "scope_code", "scope_label")
    } == {
        "username": "street_A",
        "full_name": "street_A",
        "role": "street_officer",
        "role_label": "街镇园区干部",
        "scope_kind": "area",
        "scope_code": "500109001",
        "scope_label": "北碚区 · 天生街道",
    }
    assert "enterprise.create" in body["capabilities"]


def test_me_describes_an_enterprise_user_by_credit_code(world, api_for):
    body = api_for("ent_admin_A").get(ME_URL).json()

    assert body["role"] == "enterprise_admin"
    assert body["role_label"] == "企业管理员"
    assert body["scope_kind"] == "enterprise"
    assert body["scope_code"] == world.enterprises["A1_above_scale"].credit_code
    assert body["scope_label"] == world.enterprises["A1_above_scale"].name


def test_me_for_sysadmin_has_no_scope_code(world, api_for):
    body = api_for("sysadmin").get(ME_URL).json()

    assert (body["role"], body["scope_kind"], body["scope_code"]) == ("sysadmin", "none", None)


def test_me_works_with_the_browser_session(world, client_for):
    response = client_for("community_A").get(ME_URL)

    assert response.status_code == 200
    assert response.json()["scope_code"] == world.areas["A1"].code


def test_revoking_the_token_ends_it_and_only_it(world):
    first, second = issue("street_A").json()["token"], issue("street_A").json()["token"]

    response = bearer(first).delete(TOKEN_URL)

    assert response.status_code == 204
    assert bearer(first).get(ME_URL).status_code == 401
    assert bearer(second).get(ME_URL).status_code == 200
    assert ApiToken.objects.filter(user=world.users["street_A"]).count() == 1


def test_revoking_without_a_token_is_400(world, client_for):
    response = client_for("street_A").delete(TOKEN_URL)

    assert response.status_code == 400
    assert response.json() == {"detail": "当前请求未使用令牌认证，无令牌可注销"}
