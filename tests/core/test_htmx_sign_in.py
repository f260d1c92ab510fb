"""An HTMX request after the session ended sends the whole page to the sign-in page (and back after
signing in), instead of swapping a login form into the fragment; background polls stay silent."""

import pytest

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/sensors/?after=3"}


def test_the_live_alert_poll_sends_the_page_to_sign_in(world, client):
    answer = client.get("/sensors/alerts/poll/", {"after": "0"}, headers=HTMX)
    assert answer.status_code == 200 and answer.content == b""
    assert answer["HX-Redirect"] == "/accounts/login/?next=%2Fsensors%2F%3Fafter%3D3"


def test_without_htmx_it_is_the_usual_redirect(world, client):
    answer = client.get("/sensors/alerts/poll/", {"after": "0"})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")
    assert "HX-Redirect" not in answer


def test_a_background_poll_is_left_alone(world, client):
    answer = client.get("/nav/badges/", headers=HTMX)
    assert answer.status_code == 302 and "HX-Redirect" not in answer


def test_a_page_address_on_another_host_is_not_returned_to(world, client):
    headers = {**HTMX, "HX-Current-URL": "https://elsewhere.example/steal"}
    answer = client.get("/sensors/alerts/poll/", {"after": "0"}, headers=headers)
    assert answer["HX-Redirect"] == "/accounts/login/?next=%2Fsteal"  # its path only, on this site


def test_a_signed_in_htmx_request_is_untouched(world, client_for):
    answer = client_for("community_A").get("/sensors/alerts/poll/", {"after": "999999"}, headers=HTMX)
    assert answer.status_code == 204 and "HX-Redirect" not in answer
