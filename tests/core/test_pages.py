"""Health check, error pages in Chinese, request ids, the access log."""

from fugong.core.models import PersonalDataAccess


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_unknown_page_is_a_chinese_404(client_for):
    response = client_for("street_A").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_missing_capability_is_a_chinese_403(client_for):
    response = client_for("resident_A").get("/enterprises/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "abc12345-trace"})
    assert response["X-Request-ID"] == "abc12345-trace"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated["X-Request-ID"]) == 32


def test_access_log_is_for_the_system_administrator_only(world, client_for):
    PersonalDataAccess.objects.create(
        user=world.users["street_A"],
        purpose="view",
        content_type_id=1,
        object_repr="测试企业",
        fields="legal_rep_phone",
    )
    assert client_for("street_A").get("/access-log/").status_code == 403
    response = client_for("sysadmin").get("/access-log/")
    assert response.status_code == 200
    assert "测试企业" in response.content.decode()


def test_home_shows_the_users_role_and_scope_in_chinese(client_for):
    body = client_for("street_A").get("/").content.decode()
    assert "街镇园区干部" in body
    assert "北碚区 · 天生街道" in body


def test_english_switch_sets_the_language(client_for):
    client = client_for("street_A")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def test_chinese_is_the_default_even_for_an_english_browser(client_for):
    client = client_for("street_A")
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert "工作台" in response.content.decode()


def test_the_500_page_is_in_chinese_and_self_contained(rf):
    from fugong.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "系统繁忙，请稍后再试" in response.content.decode()
