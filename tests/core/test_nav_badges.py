"""The menu's live badge for door-sensor alerts: every page of a community worker polls
/nav/badges/, which swaps the count into both menus; it counts only the worker's own area, and a
user without door sensors neither polls nor gets anything."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.sensors.factories import alarm

pytestmark = pytest.mark.django_db

POLL = 'hx-get="/nav/badges/"'


def badges(html: str) -> dict[str, str]:
    """id → (count or "hidden") of the alert badges in a page or a poll answer."""
    found = {}
    for m in re.finditer(
        r'<span id="(fg-badge-sensors-alert_list-[\w-]+)" class="([^"]*)"[^>]*>([^<]*)</span>', html
    ):
        found[m.group(1)] = "hidden" if "d-none" in m.group(2) else m.group(3)
    return found


def test_a_workers_pages_poll_and_the_poll_brings_the_new_count_into_both_menus(world, client_for):
    worker = client_for("community_A")
    response = worker.get("/quarantine/orders/due/")  # 待随访: any page of theirs, not the alert page
    assert response.status_code == 200
    page = response.content.decode()
    assert POLL in page and 'hx-trigger="every 15s"' in page
    assert badges(page) == {
        "fg-badge-sensors-alert_list-fg-side-nav": "hidden",
        "fg-badge-sensors-alert_list-fg-mobile-nav-list": "hidden",
    }
    alarm(world, "A", "e-1")
    alarm(world, "A", "e-2")
    worker.get("/")  # the session is warm; what the poll itself costs:
    with CaptureQueriesContext(connection) as queries:
        poll = worker.get("/nav/badges/")
    assert poll.status_code == 200 and poll["Cache-Control"].startswith("max-age=0")
    body = poll.content.decode()
    assert body.count('hx-swap-oob="true"') == 2
    assert badges(body) == {
        "fg-badge-sensors-alert_list-fg-side-nav": "2",
        "fg-badge-sensors-alert_list-fg-mobile-nav-list": "2",
    }
    assert len(queries) == 3, [q["sql"] for q in queries]  # session, user, one count: nothing written


def test_a_worker_of_another_street_counts_none_of_them(world, client_for):
    alarm(world, "A", "e-1")
    body = client_for("community_B").get("/nav/badges/").content.decode()
    assert set(badges(body).values()) == {"hidden"}


@pytest.mark.parametrize("name", ["ent_admin_A", "employee_A", "dept"])
def test_users_without_door_sensors_neither_poll_nor_get_a_badge(world, client_for, name):
    alarm(world, "A", "e-1")
    client = client_for(name)
    assert POLL not in client.get("/").content.decode()
    answer = client.get("/nav/badges/")
    assert answer.status_code == 204 and answer.content == b""


def test_signed_out_the_poll_is_sent_to_sign_in(world, client):
    answer = client.get("/nav/badges/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert client.post("/nav/badges/").status_code in {302, 405}


def test_the_poll_does_not_keep_an_unattended_session_alive(world, client_for):
    """Sessions slide with activity; a page left open polls every 15 s, which is not activity."""
    worker = client_for("community_A")
    assert "sessionid" in worker.get("/").cookies  # a page view renews the idle timeout
    poll = worker.get("/nav/badges/")
    assert poll.status_code == 200 and "sessionid" not in poll.cookies
