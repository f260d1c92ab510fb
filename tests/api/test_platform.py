"""The API as a whole: OpenAPI document, offline docs page, CSRF on session writes, no 500s."""

import json
import re

from django.test import Client

from fugong.enterprises.models import Enterprise

from .conftest import send

URL = "/api/v1/enterprises"


def test_openapi_document_lists_every_endpoint_with_chinese_tags(world):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "fugong 复工 API"
    paths = doc["paths"]
    assert {"post", "delete"} <= set(paths["/api/v1/auth/token"])
    assert "get" in paths["/api/v1/auth/me"]
    assert "get" in paths["/api/v1/areas"]
    assert {"get", "post"} <= set(paths["/api/v1/enterprises"])
    assert {"get", "patch"} <= set(paths["/api/v1/enterprises/{enterprise_id}"])
    assert "get" in paths["/api/v1/enterprises/{enterprise_id}/history"]
    assert "post" in paths["/api/v1/enterprises/{enterprise_id}/reveal"]
    assert "get" in paths["/api/v1/enterprises/export.xlsx"]
    assert "get" in paths["/api/v1/enterprises/import/template.xlsx"]
    assert "post" in paths["/api/v1/enterprises/import"]
    tags = {tag for ops in paths.values() for op in ops.values() for tag in op["tags"]}
    assert {"认证", "行政区划", "企业名录", "复工备案", "企业日报"} <= tags
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", tag) for tag in tags), tags
    summaries = [op["summary"] for ops in paths.values() for op in ops.values()]
    assert all(re.search(r"[\u4e00-\u9fff]", s) for s in summaries), summaries
    list_params = {p["name"] for p in paths["/api/v1/enterprises"]["get"]["parameters"]}
    assert {
        "q",
        "area",
        "category",
        "industry",
        "emergency",
        "key_industry",
        "sort",
        "page",
        "page_size",
    } <= list_params


def test_docs_page_works_offline(world):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(u.startswith("/static/") for u in urls), urls
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_session_write_without_csrf_token_is_403_and_changes_nothing(world, unchanged):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["street_A"])
    e = world.enterprises["A1_commerce"]

    response = send(client, "patch", f"{URL}/{e.pk}", {"name": "跨站请求改名"})

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF 校验失败")
    unchanged()


def test_session_write_with_csrf_token_passes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["street_A"])
    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie, as any page does
    token = client.cookies["csrftoken"].value
    e = world.enterprises["A1_commerce"]

    response = client.patch(
        f"{URL}/{e.pk}",
        {"address": "天生路9号"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(pk=e.pk).address == "天生路9号"


def test_session_reads_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["street_A"])

    assert client.get(URL).json()["count"] == 3


def test_token_writes_need_no_csrf_token(world, api_for):
    client = api_for("street_A")
    client.handler.enforce_csrf_checks = True
    e = world.enterprises["A1_commerce"]

    response = send(client, "patch", f"{URL}/{e.pk}", {"address": "天生路10号"})

    assert response.status_code == 200


def test_anonymous_write_is_401_not_a_csrf_complaint(world, unchanged):
    response = send(Client(enforce_csrf_checks=True), "post", URL, {"name": "匿名"})

    assert response.status_code == 401
    assert response.json() == {"detail": "未登录，或令牌无效、已过期"}
    unchanged()


def test_unexpected_errors_are_a_chinese_500_without_a_traceback(world, api_for, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("fugong.enterprises.selectors.enterprise_filter", explode)

    response = api_for("street_A").get(URL)

    assert response.status_code == 500
    body = response.json()
    assert body["detail"].startswith("服务器内部错误")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_api_root_and_unknown_paths_answer_in_json(world):
    root = Client().get("/api/v1/")
    unknown = Client().post("/api/v1/no/such/thing", {}, content_type="application/json")

    assert root.status_code == 200
    assert root.json() == {
        "detail": "fugong 复工 API v1",
        "docs": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
    }
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "未找到：没有这个接口，请查看接口文档 /api/v1/docs"}


def test_a_proxy_basic_auth_header_does_not_hide_the_session(world, client_for):
    response = client_for("street_A").get("/api/v1/auth/me", headers={"Authorization": "Basic eDp4"})

    assert response.status_code == 200
