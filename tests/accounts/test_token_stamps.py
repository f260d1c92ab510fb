"""A bearer token's last-used stamp: at once for a quiet token, gathered into one UPDATE under load."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.accounts import services
from fugong.accounts.models import ApiToken

from ..world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, settings):
    """The stamps' monotonic clock, moved by hand; nothing pending from earlier tests."""
    settings.TOKEN_STAMP_SECONDS = 10.0  # production's default (the suite writes every stamp at once)
    now = [1_000_000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(services, "_stamps", {})
    monkeypatch.setattr(services, "_stamps_written", [float("-inf")])
    return now


def issue(username: str) -> tuple[str, ApiToken]:
    raw, token = services.token_issue(username=username, password=PASSWORD, client="127.0.0.1")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(days=1))
    return raw, token


def stamped(token) -> bool:
    token.refresh_from_db()
    return timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def test_a_quiet_token_is_stamped_on_the_spot(world, clock):
    raw, token = issue("employee_A")
    assert services.token_authenticate(raw) == world.users["employee_A"]
    assert stamped(token)


def test_during_a_wave_the_stamps_are_written_together_in_one_statement(world, clock):
    tokens = [issue(name) for name in ("employee_A", "employee_B", "ent_admin_A", "ent_admin_B")]
    services.token_authenticate(tokens[0][0])  # written at once: nothing written for a while
    clock[0] += 1
    with CaptureQueriesContext(connection) as queries:
        for raw, _token in tokens[1:]:
            assert services.token_authenticate(raw) is not None
    assert len(queries) == 3  # the lookups only
    assert [stamped(t) for _raw, t in tokens] == [True, False, False, False]

    clock[0] += 10
    raw, _token = issue("street_A")
    with CaptureQueriesContext(connection) as queries:
        services.token_authenticate(raw)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "accounts_apitoken"')]
    assert len(updates) == 1, updates
    assert all(stamped(t) for _raw, t in tokens)


def test_a_token_revoked_before_its_stamp_is_written_is_no_error(world, clock):
    raw, token = issue("employee_A")
    services.token_authenticate(raw)
    clock[0] += 1
    other, _ = issue("employee_B")
    services.token_authenticate(other)
    ApiToken.objects.filter(user__username="employee_B").delete()
    assert services.write_token_stamps() == 0
