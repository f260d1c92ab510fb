"""Production headers: a Content-Security-Policy on every answer (in tests too), whose nonce is the one
on each inline script; no inline handler left in a template; HSTS in production; the API docs behind a
sign-in in production."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.world import PASSWORD

CSP = "Content-Security-Policy"
TEMPLATES = sorted(Path(settings.BASE_DIR, "fugong").rglob("templates/**/*.html"))


def directives(response) -> dict[str, list[str]]:
    policy = response[CSP]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def test_the_policy_allows_only_our_own_assets_and_no_framing(client, db):
    policy = directives(client.get("/accounts/login/"))

    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert not any(
        s.startswith(("http:", "https:")) or "*" in s for values in policy.values() for s in values
    )


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("leader", "/resumption/summary/"),
        ("ent_admin_A", "/resumption/reports/today/"),
        ("community_A", "/sensors/"),
        ("street_A", "/enterprises/"),
        (None, "/accounts/login/"),
    ],
)
def test_every_inline_script_carries_the_nonce_of_the_header(world, client_for, username, path):
    client = client_for(username) if username else Client()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    body = response.content.decode()

    nonces = [
        s.removeprefix("'nonce-").removesuffix("'")
        for s in directives(response)["script-src"]
        if "nonce-" in s
    ]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    for attrs in inline:
        if 'type="application/json"' in attrs:
            continue
        assert nonces and f'nonce="{nonces[0]}"' in attrs, attrs
    assert not re.search(r"<[^>]+\son[a-z]+=", body)  # no inline event handler: the policy would block it


def test_the_nonce_changes_with_every_request(client, world):
    first, second = (directives(client.get("/accounts/login/"))["script-src"] for _ in range(2))
    if any("nonce-" in s for s in first):
        assert first != second


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_an_inline_handler_or_a_script_without_nonce(template):
    text = template.read_text()
    assert not re.search(r"\son(click|submit|change|load|input|keyup|keydown|error)=", text)
    assert "hx-on" not in text and "javascript:" not in text
    for attrs in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
        assert 'nonce="{{ request.csp_nonce }}"' in attrs or "application/json" in attrs


def test_the_docs_page_also_carries_the_policy(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and CSP in response


# --- HSTS --------------------------------------------------------------------------------------------


def production_settings(**env) -> dict[str, str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.FUGONG_API_DOCS_PUBLIC, 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FUGONG_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="fugong.settings",
        FUGONG_ENV="production",
        DJANGO_SECRET_KEY="test-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="fugong.example",
        **env,
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter, a fixed command)
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, subdomains, preload, docs_public, csp = out.stdout.split()
    return {"seconds": seconds, "subdomains": subdomains, "preload": preload, "docs": docs_public, "csp": csp}


def test_production_sends_hsts_for_a_year_and_closes_the_docs():
    assert production_settings() == {
        "seconds": str(365 * 24 * 3600),
        "subdomains": "False",
        "preload": "False",
        "docs": "False",
        "csp": "True",
    }


def test_hsts_subdomains_and_the_docs_are_configurable_by_environment():
    chosen = production_settings(
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_SECONDS="600", FUGONG_API_DOCS_PUBLIC="1"
    )
    assert (chosen["seconds"], chosen["subdomains"], chosen["docs"]) == ("600", "True", "True")


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_an_https_answer_carries_hsts_and_a_plain_one_does_not(client, db):
    secure = client.get("/accounts/login/", secure=True)
    plain = client.get("/accounts/login/")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain


# --- the API docs -------------------------------------------------------------------------------------

DOCS = ["/api/v1/docs", "/api/v1/openapi.json"]


@override_settings(FUGONG_API_DOCS_PUBLIC=False)
def test_closed_docs_send_strangers_to_sign_in(client, db):
    docs = client.get("/api/v1/docs")
    schema = client.get("/api/v1/openapi.json")

    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=/api/v1/docs"
    assert schema.status_code == 401 and schema.json() == {"detail": "未登录，或令牌无效、已过期"}
    bad_token = Client(headers={"Authorization": "Bearer not-a-token"})
    assert bad_token.get("/api/v1/openapi.json").status_code == 401


@override_settings(FUGONG_API_DOCS_PUBLIC=False)
@pytest.mark.parametrize("path", DOCS)
def test_closed_docs_open_for_a_signed_in_session(client_for, path):
    response = client_for("street_A").get(path)
    assert response.status_code == 200


@override_settings(FUGONG_API_DOCS_PUBLIC=False)
def test_closed_openapi_document_opens_for_a_bearer_token(world):
    token = Client().post(
        "/api/v1/auth/token", {"username": "street_A", "password": PASSWORD}, content_type="application/json"
    )
    client = Client(headers={"Authorization": f"Bearer {token.json()['token']}"})

    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200 and response.json()["info"]["title"] == "fugong 复工 API"


@override_settings(FUGONG_API_DOCS_PUBLIC=True)
@pytest.mark.parametrize("path", DOCS)
def test_open_docs_need_no_sign_in(client, db, path):
    assert client.get(path).status_code == 200
