"""A worker of the neighbouring community in the same street (天生桥社区) sees none of 西南大学南社区's
returnees, quarantines, door-sensor alerts or release notices — pages and API alike."""

import pytest
from django.test import Client
from django.utils import timezone

from fugong.accounts.models import User
from fugong.sensors import services as sensors
from tests.quarantine.notice_helpers import released
from tests.sensors.factories import bound_device
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(world):
    user = User(
        username="tianshengqiao",
        full_name="天生桥网格员",
        role="community_worker",
        scope_area=world.areas["A2"],
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def test_neighbour_community_sees_nothing(world, neighbour):
    dev, secret, order = bound_device(world)  # an active home quarantine of A1 with a door sensor
    sensors.event_record(
        device_id=dev.device_id, secret=secret, event_id="n-1", kind="person_left", occurred_at=timezone.now()
    )
    notice = released(world, name="王邻居").notice

    page = Client()
    page.force_login(neighbour)
    for url in [
        f"/quarantine/orders/{order.pk}/",
        f"/quarantine/returnees/{order.returnee_id}/",
        f"/quarantine/orders/{notice.order_id}/",
        f"/quarantine/orders/{notice.order_id}/notice.pdf",
        f"/people/{order.person_id}/",
    ]:
        assert page.get(url).status_code == 404, url
    for url in ["/sensors/", "/quarantine/", "/quarantine/notices/", "/quarantine/orders/due/"]:
        body = page.get(url).content.decode()
        assert "李四" not in body and "王邻居" not in body, url

    token = (
        Client()
        .post(
            "/api/v1/auth/token",
            {"username": neighbour.username, "password": PASSWORD},
            content_type="application/json",
        )
        .json()["token"]
    )
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/sensors/alerts").json()["count"] == 0
    assert api.get(f"/api/v1/quarantine/orders/{order.pk}").status_code == 404
    assert api.get(f"/api/v1/quarantine/orders/{notice.order_id}/notice").status_code == 404
    assert api.get(f"/api/v1/quarantine/orders/{notice.order_id}/notice/pdf").status_code == 404

    # The worker of the person's own community does see them (the same requests are not simply broken).
    own = Client()
    own.force_login(world.users["community_A"])
    assert own.get(f"/quarantine/orders/{order.pk}/").status_code == 200
    assert "李四" in own.get("/sensors/").content.decode()
