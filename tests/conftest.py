import pytest
from django.conf import settings
from django.test import Client

from fugong.enterprises.models import Enterprise

from . import clock
from .world import PASSWORD, build_world, load_world, restore_defaults


def pytest_configure(config):
    """Travel to the suite's instant before anything reads the clock: this runs in every xdist worker
    (each is its own pytest process) before any fixture, so also before ``django_db_setup`` builds the
    world; the travel is process-wide, so live-server threads share it."""
    try:
        instant = clock.configured_instant()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    clock.session_clock = clock.SessionClock(instant)
    clock.session_clock.start()


def pytest_unconfigure(config):
    if clock.session_clock is not None:
        clock.session_clock.stop()
        clock.session_clock = None


def pytest_report_header(config):
    return clock.session_clock.describe(settings.TIME_ZONE) if clock.session_clock else None


def pytest_terminal_summary(terminalreporter, config):
    # `make test` runs quietly (-q), which hides the header: say the instant at the end as well.
    if clock.session_clock and config.get_verbosity() < 0:
        terminalreporter.write_line(clock.session_clock.describe(settings.TIME_ZONE))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build the named world once per test database; each test then runs in a rolled-back transaction."""
    # Tests log in dozens of times; PBKDF2's cost is the production default, not what is under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # API tokens are stamped on every due use, as before batching (tests count queries); the batching
    # itself has its own tests (tests/accounts/test_token_stamps.py).
    settings.TOKEN_STAMP_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # uploads made by tests never reach the project
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters (and anything else cached) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """ContentType ids are cached per process; a flushed or rolled-back database may no longer hold them."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _restore_world_after_flush(request, django_db_blocker):
    """A transactional or live-server test flushes the database when it ends; put the world back then,
    once, rather than in every later test's rolled-back transaction."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if not (
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    ):
        return
    with django_db_blocker.unblock():
        if not Enterprise.objects.exists():
            restore_defaults()
            build_world()


@pytest.fixture
def world(db):
    # A transactional (live-server) test flushes the database; rebuild inside this test if so.
    if not Enterprise.objects.exists():
        restore_defaults()
        return build_world()
    return load_world()


@pytest.fixture
def client_for(world):
    """A logged-in test client for a named user of the world."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture
def api_for(world):
    """An API client with a bearer token for a named user of the world."""

    def make(name: str) -> Client:
        client = Client()
        response = client.post(
            "/api/v1/auth/token",
            {"username": world.users[name].username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        token = response.json()["token"]
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make
