"""A method a quarantine page does not take is a 405 for anyone signed in, even without the page's
capability (the pages answered so as functions behind ``require_POST``/``require_GET``); a signed-out
visitor still goes to the login page, and the right method still reaches the gate (403) or the page."""

import pytest
from django.test import Client

from .factories import under_the_ninth_edition

WRONG_METHOD = [
    ("post", "/quarantine/notices/"),
    ("head", "/quarantine/settings/"),
    ("get", "/quarantine/settings/risk-areas/1/end/"),
    ("get", "/quarantine/notices/issue/"),
    ("post", "/quarantine/orders/1/notice.pdf"),
    ("get", "/quarantine/orders/1/notice/revoke/"),
    ("get", "/quarantine/returnees/1/order/"),
]


@under_the_ninth_edition
@pytest.mark.parametrize("method,url", WRONG_METHOD)
def test_wrong_method_is_405_before_the_capability_gate(world, client_for, method, url):
    outsider = client_for("ent_admin_A")  # holds none of these pages' capabilities
    assert getattr(outsider, method)(url).status_code == 405
    # Positive controls: the page's own method meets the gate; signed out, the login page.
    right = "get" if method != "get" else "post"
    assert getattr(outsider, right)(url).status_code == 403
    assert getattr(Client(), method)(url).status_code == 302


@under_the_ninth_edition
def test_the_manager_reaches_the_pages(world, client_for):
    manager = client_for("street_A")
    assert manager.get("/quarantine/notices/").status_code == 200
    assert manager.post("/quarantine/notices/").status_code == 405
