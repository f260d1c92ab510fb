"""One generated test over every URL and API endpoint: a user outside the scope is refused, sees
nothing and changes nothing.

Every route of the URL configuration is collected. Routes taking parameters are filled with the
objects of street B (朝阳街道) and requested by the street officer of street A and by roles with no
business there; routes without parameters are requested too and must not show street B's data.
A new route whose parameter this file cannot fill fails the test, so nothing new escapes it.
"""

import hashlib
import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fugong.accounts.models import ApiToken
from fugong.resumption.models import (
    DailyReport,
    Filing,
    SummaryRun,
)

# Reachable without signing in, or personal to whoever is signed in.
PUBLIC = {
    "healthz",
    "set_language",
    "openapi-json",
    "openapi-view",
    "api-root",
    "issue_token",
    "login",
    "logout",
    "serve",
    # a device authenticates with its own id and secret; a notice's QR code opens without signing in
    "sensor_event",
    "release_verify",
}
REFUSED = {401, 403, 404, 405}
METHODS = ["get", "post", "patch", "put", "delete"]


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p.name, p


ROUTES = [
    (route, ns, name, p) for route, ns, name, p in walk(get_resolver().url_patterns) if name not in PUBLIC
]
PARAM_ROUTES = [r for r in ROUTES if "<" in r[0]]
PLAIN_ROUTES = [r for r in ROUTES if r not in PARAM_ROUTES]


def route_id(r):
    return f"{r[1]}:{r[2]}"


def target_value(world, route: str, namespace: str, name: str, param: str):
    """The street-B object a parameter should point at, decided by the route and the parameter name."""
    b_enterprise = world.enterprises["B1_above_scale"]
    b_user = world.users["community_B"]
    b_group = world.groups["B"]
    b_area = world.areas["B1"]
    text = f"{namespace}:{name}:{route}".lower()
    if param in {"pk", "id"}:
        for word, make in street_b_factories().items():
            if word in text:
                return make(world).pk
    if param in {"member_id", "user_id"} or (
        param in {"pk", "id"} and ("user" in text and "group" not in text)
    ):
        return b_user.pk
    if "group" in text and param in {"pk", "id", "group_id"}:
        return b_group.pk
    if param == "code":
        return b_area.code
    if "enterprise" in text and param in {"pk", "id", "enterprise_id"}:
        return b_enterprise.pk
    if "area" in text and param in {"pk", "id", "area_id"}:
        return b_area.pk
    pytest.fail(
        f"scope matrix: no street-B target for parameter {param!r} of {namespace}:{name} ({route}); "
        "add a rule to target_value"
    )


def b_filing(world):
    """A filing of street B's 规上 enterprise, submitted and waiting in street B's queue."""
    from django.utils import timezone

    enterprise = world.enterprises["B1_above_scale"]
    filing, _ = Filing.objects.get_or_create(
        enterprise=enterprise,
        status="submitted",
        defaults={
            "area_path": enterprise.area_path,
            "category": enterprise.category,
            "mode": "review",
            "planned_date": timezone.localdate(),
            "holder_area": world.areas["B"],
            "submitted_at": timezone.now(),
        },
    )
    return filing


def b_report(world):
    from django.utils import timezone

    enterprise = world.enterprises["B1_above_scale"]
    report, _ = DailyReport.objects.get_or_create(
        enterprise=enterprise,
        date=timezone.localdate(),
        defaults={
            "area_path": enterprise.area_path,
            "staff_on_duty": 1,
            "staff_total": 2,
            "output_pct": 50,
            "masks_stock": 10,
            "disinfectant_kg": 1,
        },
    )
    return report


def b_summary_run(world):
    from django.utils import timezone

    run, _ = SummaryRun.objects.get_or_create(
        date=timezone.localdate(),
        area=world.areas["B"],
        defaults={"area_path": world.areas["B"].path, "status": "done", "text": "朝阳街道汇总", "rows": []},
    )
    return run


def street_b_factories() -> dict:
    """Word in a route's name → a function making street B's object of that kind.

    Each app's tests may add theirs in ``tests/<app>/scope_targets.py`` as ``TARGETS = {word: make}``
    (``make(world)`` returns a saved street-B object); more specific words first.
    """
    factories = {}
    for module in sorted(Path(__file__).parent.glob("*/scope_targets.py")):
        factories.update(importlib.import_module(f"tests.{module.parent.name}.scope_targets").TARGETS)
    factories.update({"filing": b_filing, "report": b_report, "summary": b_summary_run})
    return factories


def build_url(world, route, namespace, name, pattern) -> str:
    def fill(param: str) -> str:
        return str(target_value(world, route, namespace or "", name or "", param))

    # path() routes: <int:pk>, <code>; re_path() routes: (?P<code>\d+) and ^ … $ anchors.
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: fill(m.group(1)), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: fill(m.group(1)), url)
    url = "/" + url.replace("^", "").replace("$", "")
    assert "<" not in url and "(" not in url, f"unfilled route {url}"
    return url


def b_secrets(world) -> list[str]:
    secrets = []
    for key, e in world.enterprises.items():
        if key.startswith("B"):
            secrets += [e.name, e.credit_code, e.legal_rep_name]
    secrets += [u.username for k, u in world.users.items() if k.endswith("_B")]
    secrets += [world.areas[k].name for k in ("B", "B1", "B1g")]
    return secrets


def fingerprint() -> str:
    """A digest of every row of every fugong app (logs included), so a refused request that wrote
    anything anywhere — in any app, present or future — fails the test. Columns that a login or a
    token's use legitimately touch are left out."""
    volatile = {"last_login", "last_used_at"}
    parts = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fugong."):
            continue
        for model in config.get_models():
            if model._meta.label == "accounts.ApiToken":  # the test's own credentials, removed at its end
                continue
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in volatile]
            parts.append(
                [model._meta.label, list(model._default_manager.order_by("pk").values_list(*fields))]
            )
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def b_payload(world) -> dict:
    """Field names the forms and API use, all pointing at street B."""
    b1 = world.areas["B1"]
    return {
        "area": b1.pk,
        "area_code": b1.code,
        "scope_code": b1.code,
        "scope_area": b1.pk,
        "code": "500109002099",
        "parent_code": b1.code,
        "name": "越权测试",
        "full_name": "越权测试",
        "username": "intruder",
        "role": "community_worker",
        "user": world.users["community_B"].pk,
        "member": world.users["community_B"].pk,
        "is_active": "0",
        "password": "Intrude!2020x",
        "new_password": "Intrude!2020x",
    }


def request(client: Client, method: str, url: str, payload: dict, api: bool):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")
    if method == "post":
        return client.post(url, payload)
    return getattr(client, method)(url)


def bearer(user) -> Client:
    from fugong.accounts.services import token_issue
    from tests.world import PASSWORD

    raw, _ = token_issue(username=user.username, password=PASSWORD)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def assert_sees_nothing(response, secrets, where):
    if response.status_code in REFUSED or response.status_code in {301, 302}:
        return
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="ignore")
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"{where} showed out-of-scope data: {leaked}"


OUTSIDERS = ["resident_A", "guard_A", "employee_A", "site_A"]


@pytest.mark.parametrize("route", PARAM_ROUTES, ids=route_id)
def test_street_a_cannot_reach_street_b_objects(world, route):
    url = build_url(world, *route)
    is_api = url.startswith("/api/")
    officer = world.users["street_A"]
    clients = {"session": Client(), "token": bearer(officer)} if is_api else {"session": Client()}
    clients["session"].force_login(officer)
    secrets = b_secrets(world)
    before = fingerprint()
    for kind, client in clients.items():
        for method in METHODS:
            response = request(client, method, url, b_payload(world), is_api)
            assert response.status_code in REFUSED, f"{kind} {method.upper()} {url} → {response.status_code}"
            assert_sees_nothing(response, secrets, f"{method.upper()} {url}")
    ApiToken.objects.filter(user=officer).delete()
    assert fingerprint() == before, f"{url} changed data it must not reach"


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=route_id)
def test_lists_and_forms_show_street_a_nothing_of_street_b(world, route):
    url = build_url(world, *route)
    is_api = url.startswith("/api/")
    officer = world.users["street_A"]
    client = bearer(officer) if is_api else Client()
    if not is_api:
        client.force_login(officer)
    secrets = b_secrets(world)
    before = fingerprint()
    for method in METHODS:
        response = request(client, method, url, b_payload(world), is_api)
        assert response.status_code < 500, f"{method.upper()} {url} → {response.status_code}"
        assert_sees_nothing(response, secrets, f"{method.upper()} {url}")
    ApiToken.objects.filter(user=officer).delete()
    assert fingerprint() == before, f"{url} changed street B's data or the logs"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_roles_without_business_see_and_change_nothing(world, outsider):
    """Residents, gate guards, employees and site staff reach none of the registry, users or areas."""
    user = world.users[outsider]
    # Their own enterprise (an employee's employer, shown in the top bar) is not a secret to them.
    secrets = (
        b_secrets(world)
        + [
            e.name
            for k, e in world.enterprises.items()
            if k.startswith("A") and e.pk != user.scope_enterprise_id
        ]
        + [u.username for k, u in world.users.items() if k != outsider]
    )
    session = Client()
    session.force_login(user)
    token = bearer(user)
    urls = [build_url(world, *route) for route in ROUTES]  # creates street B's objects before the fingerprint
    before = fingerprint()
    for url in urls:
        is_api = url.startswith("/api/")
        for method in METHODS:
            response = request(token if is_api else session, method, url, b_payload(world), is_api)
            assert response.status_code < 500, f"{outsider} {method.upper()} {url} → {response.status_code}"
            assert_sees_nothing(response, secrets, f"{outsider} {method.upper()} {url}")
    ApiToken.objects.filter(user=user).delete()
    assert fingerprint() == before


def test_anonymous_visitors_are_refused_everywhere(world, client):
    for route in ROUTES:
        url = build_url(world, *route)
        response = client.get(url)
        assert response.status_code in {302, 401, 403, 404, 405}, (
            f"anonymous GET {url} → {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
