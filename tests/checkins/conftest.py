import pytest
from django.urls import reverse

from fugong.checkins import services

from .factories import staff


@pytest.fixture
def bound(world, client_for):
    """A person on A1's staff list, identified once by ``employee_A`` through the enterprise's QR page."""
    a1 = world.enterprises["A1_above_scale"]
    person = staff(a1, 101, "接口员工")
    link = services.link_for(enterprise=a1)
    client_for("employee_A").post(
        reverse("checkins:checkin", args=[link.token]),
        {"action": "identify", "name": person.name, "id_number": person.id_number},
    )
    return person
