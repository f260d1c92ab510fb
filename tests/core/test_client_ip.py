"""The address in security records behind a reverse proxy (FUGONG_TRUSTED_PROXIES): a refused door-sensor
event records it, a failed notice verification logs it; X-Forwarded-For is believed only as far as our
own proxies vouch for it."""

import logging

import pytest
from django.test import Client

from fugong.sensors.models import RefusedEvent

pytestmark = pytest.mark.django_db


def refused_from(forwarded_for: str | None) -> str:
    headers = {"X-Device-Id": "MC-NOBODY", "X-Device-Secret": "wrong"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    response = Client().post("/api/v1/sensors/events", {}, content_type="application/json", headers=headers)
    assert response.status_code == 401
    return RefusedEvent.objects.order_by("-pk").values_list("remote_ip", flat=True).first()


@pytest.mark.parametrize(
    "proxies, forwarded_for, recorded",
    [
        (0, None, "127.0.0.1"),
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy of ours: the header is the client's own claim
        (1, "203.0.113.9", "203.0.113.9"),  # nginx appended the address it saw
        (1, "10.9.9.9, 203.0.113.9", "203.0.113.9"),  # the client's forged entry stays on the left
        (2, "198.51.100.7, 10.0.0.2", "198.51.100.7"),  # load balancer, then nginx
        (2, "203.0.113.9", "127.0.0.1"),  # fewer hops than promised: not believed
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_a_refused_device_event_records_the_clients_address(
    world, settings, proxies, forwarded_for, recorded
):
    settings.TRUSTED_PROXIES = proxies
    assert refused_from(forwarded_for) == recorded


def test_a_failed_verification_logs_the_address_behind_the_proxy(world, settings, client, caplog):
    settings.TRUSTED_PROXIES = 1
    with caplog.at_level(logging.WARNING, logger="fugong.quarantine.security"):
        response = client.get(
            "/quarantine/verify/JC2020000001/ABCDEFGH/", headers={"X-Forwarded-For": "203.0.113.9"}
        )
    assert response.status_code == 404
    assert any("from 203.0.113.9" in r.getMessage() for r in caplog.records), caplog.text
