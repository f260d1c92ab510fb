"""The API under a fuzzer, CI-sized: schemathesis generates requests for every operation of the
OpenAPI document (valid and invalid bodies, queries and path ids, strings with any character) and
sends them in-process through the WSGI application, as a community worker and as an enterprise
admin. No answer may be a 5xx, and every answer's status must be one the operation documents.

A few examples per operation keep it under a minute and a half on one core; ``FUGONG_FUZZ_EXAMPLES``
runs more (the issue's ~6,700 cases are ``FUGONG_FUZZ_EXAMPLES=25``).
"""

import contextlib
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from fugong.core.api import api

from ..world import PASSWORD

EXAMPLES = int(os.environ.get("FUGONG_FUZZ_EXAMPLES", "3"))
# Operations that would end the caller's own session half-way through the run.
SKIPPED = ("/api/v1/auth/",)


def operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(SKIPPED):
            yield operation


def fuzz(operation, headers: dict, app) -> list[str]:
    """The failures of ``operation``'s generated cases: a 5xx, or a status it does not document."""
    failures: list[str] = []
    documented = set(operation.definition.raw.get("responses", {}))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: a CI failure is reproducible
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        savepoint = transaction.savepoint()  # each case starts from the same world, on PostgreSQL too
        try:
            response = case.call(app=app, headers=headers)
        finally:
            transaction.savepoint_rollback(savepoint)
        where = f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:200]!r}"
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {where}: {response.text[:300]}")
            return
        if str(response.status_code) not in documented:
            failures.append(f"undocumented {response.status_code} {where}: {response.text[:300]}")

    run()
    return failures


@pytest.mark.parametrize("role", ["community_A", "ent_admin_A"])
def test_no_operation_answers_5xx_or_an_undocumented_status(world, role, settings):
    settings.ALLOWED_HOSTS = ["*"]
    token = _token(world, role)
    app = in_process_app()
    headers = {"Authorization": f"Bearer {token}"}

    with connection_kept():  # after the token: the test client connects the signals again
        failures = [failure for operation in operations() for failure in fuzz(operation, headers, app)]

    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(sorted(set(failures))[:60])


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does around each request: the requests run inside the test's
    transaction, so a request's end must not close the connection (on PostgreSQL it would)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def in_process_app() -> WSGIHandler:
    return WSGIHandler()


def _token(world, role: str) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": world.users[role].username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]
