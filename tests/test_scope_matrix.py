"""One generated test over every URL and API endpoint, from what each route declares (tests/scope.py).

Every route of the URL configuration is collected, and each must be declared in its app's
``tests/<app>/scope_targets.py`` — or be in the commented PUBLIC set below — or the test fails,
naming it. For a route with parameters, per declared boundary:

- the outsiders (same role, across the boundary) are refused for every method, shown nothing of the
  object and change nothing in the database;
- the insider gets in (the positive control: a route that refuses everyone fails).

A list page or endpoint shows its insider the row of its side and not the row across the boundary
("one of two"); every other route without parameters lets its declared user in. Street A's officer
sees nothing of street B anywhere, and roles without business are shown nothing.
"""

import datetime as dt
import hashlib
import importlib
import io
import json
import re
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from fugong.accounts.models import ApiToken, hash_token
from tests.scope import A, B, Listing, Side, Target

# Reachable without signing in: tested for what they are by their own tests, and those with
# parameters (a QR link's code) here too, by test_public_page_answers_a_real_code_and_404s_an_unknown_one.
PUBLIC = {
    "healthz",
    "set_language",
    "api-1.0.0:openapi-json",
    "api-1.0.0:openapi-view",
    "api-1.0.0:api-root",
    "api-1.0.0:api-unknown",  # the JSON 404 for any unknown /api/v1/ path
    "api-1.0.0:issue_token",  # shares its path with revoke_token, declared in tests/accounts
    "accounts:login",
    "accounts:logout",
    # a device authenticates with its own id and secret (tests/sensors/test_api.py)
    "api-1.0.0:sensor_event",
    # the QR code of a release notice opens without signing in
    "quarantine:release_verify",
    "api-1.0.0:release_verify",
    # an enterprise's check-in page behind its QR code: anyone with the link
    "checkins:checkin",
}
REFUSED = {401, 403, 404, 405}
METHODS = ["get", "post", "patch", "put", "delete"]


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name, p


def params_of(route: str) -> list[str]:
    """The parameters of a path() route (<int:pk>) or a re_path() one ((?P<code>…))."""
    return re.findall(r"\(\?P<(\w+)>", route) + re.findall(r"<(?:\w+:)?(\w+)>", route)


ALL_ROUTES = list(walk(get_resolver().url_patterns))  # (route, "namespace:name", pattern)
ROUTES = [r for r in ALL_ROUTES if r[1] not in PUBLIC]
PARAM_ROUTES = [r for r in ROUTES if params_of(r[0])]
PLAIN_ROUTES = [r for r in ROUTES if not params_of(r[0])]
PUBLIC_PARAM_ROUTES = [r for r in ALL_ROUTES if r[1] in PUBLIC and params_of(r[0])]


def route_id(r):
    return r[1]


def _declarations() -> dict[str, dict]:
    """TARGETS, LISTS and PAGES of every tests/<app>/scope_targets.py, merged; a key declared twice
    fails."""
    merged: dict[str, dict] = {"TARGETS": {}, "LISTS": {}, "PAGES": {}, "PUBLIC_TARGETS": {}}
    for module in sorted(Path(__file__).parent.glob("*/scope_targets.py")):
        mod = importlib.import_module(f"tests.{module.parent.name}.scope_targets")
        for kind, table in merged.items():
            for key, value in getattr(mod, kind, {}).items():
                assert key not in table, f"{key} is declared twice in the scope targets ({module})"
                table[key] = value
    return merged


DECLARED = _declarations()
TARGETS, LISTS, PAGES = DECLARED["TARGETS"], DECLARED["LISTS"], DECLARED["PAGES"]
PUBLIC_TARGETS = DECLARED["PUBLIC_TARGETS"]  # public routes with parameters: make(world) → {param: value}


def listings_of(key: str) -> tuple[Listing, ...]:
    declared = LISTS[key]
    return declared if isinstance(declared, tuple) else (declared,)


def targets_of(key: str) -> tuple[Target, ...]:
    declared = TARGETS.get(key)
    if declared is None:
        pytest.fail(
            f"scope matrix: route {key} takes parameters but declares no target; add it to TARGETS "
            "in its app's tests/<app>/scope_targets.py (how to make its object, its insider and its "
            "outsiders)"
        )
    return declared if isinstance(declared, tuple) else (declared,)


# --- filling a route -----------------------------------------------------------------------------


def build_url(route: str, made) -> str:
    """The route with its parameters taken from ``made``: a saved object (its pk) or a dict."""
    params = params_of(route)
    if not isinstance(made, dict):
        assert len(params) <= 1, f"{route} takes {params}: its target must return a dict"
        made = dict.fromkeys(params, made.pk)
    missing = [p for p in params if p not in made]
    assert not missing, f"{route}: the target gives no value for {missing}"
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(made[m.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(made[m.group(1)]), url)
    url = "/" + url.replace("^", "").replace("$", "")
    assert "<" not in url and "(" not in url, f"unfilled route {url}"
    return url


def operation_methods(pattern, key: str) -> list[str] | None:
    """The HTTP methods of an API route's own operation (paths are shared by several operations);
    None for a page, whose view says by answering 405."""
    view = getattr(pattern.callback, "__closure__", None) or ()
    for cell in view:
        for op in getattr(cell.cell_contents, "operations", ()):
            if key.split(":", 1)[1] in {getattr(op, "url_name", None), op.view_func.__name__}:
                return [m.lower() for m in op.methods]
    return None


# --- what a response shows ---------------------------------------------------------------------------


def text_of(response) -> str:
    """The answer as text: JSON without \\u escapes, xlsx as its cells, HTML as it is."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "json" in kind and body:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    if "spreadsheetml" in kind and body:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    return body.decode("utf-8", errors="ignore")


def secrets_of(made) -> list[str]:
    """Strings by which an answer would show the target: its own and its enterprise's or person's."""
    if isinstance(made, dict):
        made = made.get("object")
    if made is None:
        return []
    found = [str(made)]
    for holder in (made, getattr(made, "enterprise", None), getattr(made, "person", None)):
        for attr in ("name", "title", "credit_code", "id_number", "legal_rep_name", "username"):
            value = getattr(holder, attr, None) if holder is not None else None
            if isinstance(value, str):
                found.append(value)
    return [s for s in found if len(s) >= 4]


def assert_shows_none(response, secrets, where):
    text = text_of(response)
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"{where} showed out-of-scope data: {leaked}"


def b_secrets(world) -> list[str]:
    found = []
    for key, e in world.enterprises.items():
        if key.startswith("B"):
            found += [e.name, e.credit_code, e.legal_rep_name]
    found += [u.username for k, u in world.users.items() if k.endswith("_B")]
    found += [world.areas[k].name for k in ("B", "B1", "B1g")]
    return found


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
            if model._meta.label == "accounts.ApiToken":  # the test's own credentials
                continue
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in volatile]
            parts.append(
                [model._meta.label, list(model._default_manager.order_by("pk").values_list(*fields))]
            )
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


# --- requests ------------------------------------------------------------------------------------------


def payload(world, side: Side) -> dict:
    """Field names the forms and API use, all pointing at the side's community and its worker."""
    area = world.areas[side.area]
    worker = world.users[side.worker]
    return {
        "area": area.pk,
        "area_code": area.code,
        "scope_code": area.code,
        "scope_area": area.pk,
        "code": area.code + "099",
        "parent_code": area.code,
        "name": "越权测试",
        "full_name": "越权测试",
        "username": "intruder",
        "role": "community_worker",
        "user": worker.pk,
        "member": worker.pk,
        "is_active": "0",
        "password": "Intrude!2020x",
        "new_password": "Intrude!2020x",
    }


def request(client: Client, method: str, url: str, data: dict, api: bool):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
    if method == "post":
        return client.post(url, data)
    return getattr(client, method)(url)


class Clients:
    """Signed-in clients of the world's users, made once per test: a session for the pages, a
    bearer token for the API (made directly: the password check is not under test here)."""

    def __init__(self, world):
        self.world = world
        self._session, self._token = {}, {}

    def session(self, name: str) -> Client:
        if name not in self._session:
            self._session[name] = Client()
            self._session[name].force_login(self.world.users[name])
        return self._session[name]

    def token(self, name: str) -> Client:
        if name not in self._token:
            raw = secrets.token_urlsafe(32)
            ApiToken.objects.create(
                user=self.world.users[name],
                key_hash=hash_token(raw),
                prefix=raw[:8],
                expires_at=timezone.now() + dt.timedelta(hours=1),
            )
            self._token[name] = Client(headers={"Authorization": f"Bearer {raw}"})
        return self._token[name]

    def for_url(self, name: str, url: str) -> Client:
        return self.token(name) if url.startswith("/api/") else self.session(name)


WROTE = {200, 201, 202, 204, 302}
GOT_IN_BY_POST = WROTE | {400, 422}


@contextmanager
def denials():
    """Every PermissionDenied raised meanwhile, caught or not: a page may turn a service's refusal
    into a flashed message and a redirect, which the status code alone would take for success."""
    raised: list[str] = []
    original = PermissionDenied.__init__

    def spy(self, *args, **kwargs):
        raised.append(str(args[0]) if args else "PermissionDenied")
        original(self, *args, **kwargs)

    PermissionDenied.__init__ = spy
    try:
        yield raised
    finally:
        PermissionDenied.__init__ = original


def assert_gets_in(client, url: str, methods: list[str] | None, data: dict, who: str, valid=False):
    """The positive control, in a savepoint rolled back afterwards (a POST may really act): a GET
    answered with neither a refusal nor an error; for a route that takes no GET, a POST answered
    with success, a redirect or a complaint about the input — not 403/404/405 — and no refusal
    raised on the way. With a ``valid`` body the write itself must succeed."""
    api = url.startswith("/api/")
    with transaction.atomic(), denials() as refused:
        method = (methods or ["get"])[0]
        response = request(client, method, url, data, api)
        if methods is None and response.status_code == 405:
            method, response = "post", request(client, "post", url, data, api)
        transaction.set_rollback(True)
    status = response.status_code
    where = f"{who} {method.upper()} {url} → {status}"
    if method == "get":
        assert status not in REFUSED and status < 500, f"the insider is refused: {where}"
        if status == 302:
            assert "/accounts/login/" not in response["Location"], f"the insider is sent to sign in: {where}"
    elif valid:
        assert status in WROTE, f"the insider's valid write fails: {where} {text_of(response)[:300]}"
    else:
        assert status in GOT_IN_BY_POST, f"the insider is refused: {where}"
    assert not refused, f"the insider is refused ({'; '.join(refused)}): {where}"


def assert_refused(client: Client, url: str, data: dict, secrets: list[str], who: str):
    for method in METHODS:
        response = request(client, method, url, data, url.startswith("/api/"))
        where = f"{who} {method.upper()} {url}"
        assert response.status_code in REFUSED, f"an outsider gets in: {where} → {response.status_code}"
        assert_shows_none(response, secrets, where)


def assert_linked(client: Client, url: str, data: dict, hidden: list[str], who: str):
    """A user linked to the row through a relation reads it (GET gets in) and is shown none of what
    the relation does not open, whatever the method; the caller checks that nothing changed."""
    for method in METHODS:
        response = request(client, method, url, data, url.startswith("/api/"))
        where = f"{who} {method.upper()} {url} → {response.status_code}"
        assert response.status_code < 500, where
        if method == "get":
            assert response.status_code not in REFUSED, f"the linked user is refused: {where}"
        assert_shows_none(response, hidden, where)


# --- the tests -------------------------------------------------------------------------------------------


def test_every_route_is_declared_and_every_declaration_is_a_route():
    keys = {key for _route, key, _p in ALL_ROUTES}
    undeclared = [key for _route, key, _p in PARAM_ROUTES if key not in TARGETS]
    undeclared += [key for _route, key, _p in PLAIN_ROUTES if key not in LISTS and key not in PAGES]
    undeclared += [key for _route, key, _p in PUBLIC_PARAM_ROUTES if key not in PUBLIC_TARGETS]
    assert not undeclared, f"routes without a scope declaration (tests/<app>/scope_targets.py): {undeclared}"
    stale = sorted((set(TARGETS) | set(LISTS) | set(PAGES) | set(PUBLIC_TARGETS) | PUBLIC) - keys)
    assert not stale, f"scope declarations of routes that do not exist: {stale}"
    both = sorted(set(LISTS) & set(PAGES))
    assert not both, f"declared both as a list and as a page: {both}"
    for key, value in TARGETS.items():
        targets = value if isinstance(value, tuple) else (value,)
        assert all(isinstance(t, Target) for t in targets), f"{key}: TARGETS values are Target(s)"
    for key in LISTS:
        assert all(isinstance(v, Listing) for v in listings_of(key)), f"{key}: LISTS values are Listing(s)"


@pytest.mark.parametrize("route", PARAM_ROUTES, ids=route_id)
def test_parametrised_route_refuses_outsiders_and_lets_its_insider_in(world, route):
    pattern_route, key, pattern = route
    clients = Clients(world)
    made_by: dict = {}
    cases = []  # (boundary, url, secrets, request body, whether the body is a valid one)
    linked = []  # (boundary, url, hidden strings, request body): users who reach it through a relation
    for target in targets_of(key):
        for boundary in target.boundaries:
            cache = (target.make, boundary.inside)
            if cache not in made_by:
                made_by[cache] = target.make(world, boundary.inside)
            made = made_by[cache]
            data = target.data(made) if target.data else payload(world, boundary.inside)
            url = build_url(pattern_route, made)
            cases.append((boundary, url, secrets_of(made), data, bool(target.data)))
            if boundary.linked:
                linked.append((boundary, url, target.hidden(made), data))
    # Outsiders use the client of the route (a session for a page, a token for the API); across
    # the street boundary the API is also tried with a session.
    outsiders = [
        (boundary, url, found, data, name, client)
        for boundary, url, found, data, _valid in cases
        for name in boundary.outsiders
        for client in (
            [clients.token(name), clients.session(name)]
            if url.startswith("/api/") and boundary.name == "street"
            else [clients.for_url(name, url)]
        )
    ]
    before = fingerprint()
    for boundary, url, found, data, name, client in outsiders:
        assert_refused(client, url, data, found, f"{boundary}: {name}")
    for boundary, url, hidden, data in linked:
        for name in boundary.linked:
            assert_linked(clients.for_url(name, url), url, data, hidden, f"{boundary}: {name}")
    assert fingerprint() == before, f"{key}: a refused or linked user's request changed data"
    methods = operation_methods(pattern, key)
    for boundary, url, _found, data, valid in cases:
        client = clients.for_url(boundary.insider, url)
        assert_gets_in(client, url, methods, data, f"{boundary}: {boundary.insider}", valid=valid)


@pytest.mark.parametrize("route", [r for r in PLAIN_ROUTES if r[1] in LISTS], ids=route_id)
def test_list_shows_its_insider_one_of_two(world, route):
    """The insider's list holds its side's row and not the row across the boundary; the outsiders'
    answers do not hold the insider's row."""
    pattern_route, key, _pattern = route
    url = build_url(pattern_route, {})
    clients = Clients(world)
    for listing, boundary in [(x, b) for x in listings_of(key) for b in x.boundaries]:
        listing_row = listing.make(world, boundary.inside)
        inside = listing.shows(listing_row)
        across = listing.shows(listing.make(world, boundary.across)) if boundary.across else None
        response = clients.for_url(boundary.insider, url).get(url)
        where = f"{key} {boundary}: {boundary.insider} GET {url} → {response.status_code}"
        assert response.status_code == 200, where
        text = text_of(response)
        assert inside in text, f"{where} does not show its own row {inside!r}"
        if across is not None:
            assert across not in text, f"{where} shows the row across the boundary {across!r}"
        for name in boundary.outsiders:
            response = clients.for_url(name, url).get(url)
            assert response.status_code < 500, f"{name} GET {url} → {response.status_code}"
            assert_shows_none(response, [inside], f"{key} {boundary}: {name} GET {url}")
        for name in boundary.linked:  # they list the row, shown only what the relation opens
            response = clients.for_url(name, url).get(url)
            where = f"{key} {boundary}: {name} GET {url} → {response.status_code}"
            assert response.status_code == 200, where
            assert inside in text_of(response), f"{where} does not show the linked row {inside!r}"
            assert_shows_none(response, listing.hidden(listing_row), where)


@pytest.mark.parametrize("route", PLAIN_ROUTES, ids=route_id)
def test_plain_route_lets_its_user_in_and_shows_street_a_nothing_of_street_b(world, route):
    pattern_route, key, pattern = route
    url = build_url(pattern_route, {})
    clients = Clients(world)
    officer = clients.for_url("street_A", url)
    found = b_secrets(world)
    before = fingerprint()
    for method in METHODS:
        response = request(officer, method, url, payload(world, B), url.startswith("/api/"))
        assert response.status_code < 500, f"{method.upper()} {url} → {response.status_code}"
        if response.status_code not in REFUSED:
            assert_shows_none(response, found, f"street_A {method.upper()} {url}")
    assert fingerprint() == before, f"{url} changed street B's data or the logs"
    if key in PAGES:
        user = PAGES[key]
        assert_gets_in(
            clients.for_url(user, url), url, operation_methods(pattern, key), payload(world, A), user
        )


NO_BUSINESS = ["resident_A", "guard_A", "employee_A", "site_A"]


def insiders_of(key: str) -> set[str]:
    if key in TARGETS:
        return {b.insider for t in targets_of(key) for b in t.boundaries}
    if key in LISTS:
        return {b.insider for x in listings_of(key) for b in x.boundaries}
    return {PAGES.get(key, "")}


@pytest.mark.parametrize("outsider", NO_BUSINESS)
def test_roles_without_business_see_and_change_nothing(world, outsider):
    """Residents, gate guards, employees and site staff reach none of the registry, users or areas —
    except the routes where they are the declared insider (site staff on their own site)."""
    user = world.users[outsider]
    # Their own enterprise (an employee's employer, shown in the top bar) is not a secret to them.
    found = (
        b_secrets(world)
        + [
            e.name
            for k, e in world.enterprises.items()
            if k.startswith("A") and e.pk != user.scope_enterprise_id
        ]
        + [u.username for k, u in world.users.items() if k != outsider]
    )
    clients = Clients(world)
    urls = [first_url(world, route) for route in ROUTES if outsider not in insiders_of(route[1])]
    before = fingerprint()
    for url in urls:
        client = clients.for_url(outsider, url)
        for method in METHODS:
            response = request(client, method, url, payload(world, B), url.startswith("/api/"))
            assert response.status_code < 500, f"{outsider} {method.upper()} {url} → {response.status_code}"
            if response.status_code not in REFUSED:
                assert_shows_none(response, found, f"{outsider} {method.upper()} {url}")
    assert fingerprint() == before


def first_url(world, route) -> str:
    """The route filled with the object of its first declared boundary (or as is, without parameters)."""
    pattern_route, key, _pattern = route
    if route not in PARAM_ROUTES:
        return build_url(pattern_route, {})
    target = targets_of(key)[0]
    return build_url(pattern_route, target.make(world, target.boundaries[0].inside))


def test_anonymous_visitors_are_refused_everywhere(world, client):
    for route in ROUTES:
        url = first_url(world, route)
        response = client.get(url)
        assert response.status_code in {302, 401, 403, 404, 405}, (
            f"anonymous GET {url} → {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def unknown(value) -> str:
    """The value with its last character changed: well formed, but nothing's."""
    text = str(value)
    return text[:-1] + ("1" if text[-1] == "0" else "0")


@pytest.mark.parametrize("route", PUBLIC_PARAM_ROUTES, ids=route_id)
def test_public_page_answers_a_real_code_and_404s_an_unknown_one(world, client, route):
    """A public page behind a code (a QR link) is open to anyone with a real code, and tells an
    unknown one as not found — for each of its parameters."""
    pattern_route, key, _pattern = route
    real = PUBLIC_TARGETS[key](world)
    response = client.get(build_url(pattern_route, real))
    assert response.status_code == 200, (
        f"anonymous GET {build_url(pattern_route, real)} → {response.status_code}"
    )
    for param in params_of(pattern_route):
        url = build_url(pattern_route, {**real, param: unknown(real[param])})
        assert client.get(url).status_code == 404, f"anonymous GET {url} (unknown {param})"
