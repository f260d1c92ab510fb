"""A person moves from community A1 (street A) to community B1 (street B): the returns registered at
their home, their quarantine orders, follow-ups, release notice and door-sensor alerts go with them.
A return registered to another community stays where it was registered.

The community that registered a return keeps reading that registration (the registering side sees
what it registered, as after a handover) but manages nothing of it any more."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.health import services as health_services
from fugong.quarantine import services as quarantine_services
from fugong.quarantine.models import FollowUp, Order, ReleaseNotice, Returnee
from fugong.sensors import services as sensor_services
from fugong.sensors.models import Alert, Binding, Event
from tests.quarantine.factories import id_number, register
from tests.sensors.factories import device, key_area

NAME = "王移居"
FOLLOWERS = {
    "quarantine_returnee": Returnee,
    "quarantine_order": Order,
    "quarantine_followup": FollowUp,
    "quarantine_releasenotice": ReleaseNotice,
    "sensors_binding": Binding,
    "sensors_event": Event,
    "sensors_alert": Alert,
}


@pytest.fixture
def rows(world):
    """A person of A1 with a released home quarantine (follow-up, release notice), a second return
    under an active home quarantine with a door sensor that raised an alert, and a third return that
    street A registered to its other community A2."""
    key_area()
    worker = world.users["community_A"]
    number = id_number()
    first = register(world, "community_A", "A1", number=number, name=NAME, province="浙江省", city="温州市")
    today = timezone.localdate()
    released = quarantine_services.order_issue(
        actor=worker,
        returnee_id=first.pk,
        start_date=today - dt.timedelta(days=20),  # past any edition's period (14 days in March 2020)
    )
    quarantine_services.followup_record(
        actor=worker, order_id=released.pk, method="phone", status="reached", temperature="36.6"
    )
    quarantine_services.order_release(actor=worker, order_id=released.pk, base_url="http://testserver")
    second = register(world, "community_A", "A1", number=number, name=NAME, province="浙江省", city="温州市")
    active = quarantine_services.order_issue(actor=worker, returnee_id=second.pk, start_date=today)
    dev, secret = device(world, "A")
    sensor_services.device_bind(actor=worker, device_pk=dev.pk, order_id=active.pk)
    result = sensor_services.event_record(
        device_id=dev.device_id, secret=secret, event_id="e-1", kind="door_open", occurred_at=timezone.now()
    )
    elsewhere = register(world, "street_A", "A2", number=number, name=NAME, province="浙江省", city="温州市")
    return {
        "person": first.person,
        "returnee": first,
        "released": Order.objects.get(pk=released.pk),
        "active": active,
        "alert": result.alert,
        "elsewhere": elsewhere,
    }


REGISTRANT = ["returnee list", "returnee detail", "returnee page", "returnee list page"]


def _move(world, api_for, person):
    response = api_for("sysadmin").put(
        f"/api/v1/persons/{person.pk}",
        {
            "name": person.name,
            "phone": person.phone,
            "area_code": world.areas["B1"].code,
            "address": "朝阳路1号",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _sees(api_for, client_for, name: str, r) -> dict[str, bool]:
    api, page = api_for(name), client_for(name)
    returnee, released, active, alert = r["returnee"], r["released"], r["active"], r["alert"]
    return {
        "returnee list": returnee.pk in _ids(api.get("/api/v1/quarantine/returnees")),
        "returnee detail": api.get(f"/api/v1/quarantine/returnees/{returnee.pk}").status_code == 200,
        "returnee page": page.get(f"/quarantine/returnees/{returnee.pk}/").status_code == 200,
        "returnee list page": NAME in page.get("/quarantine/").content.decode(),
        "order detail": api.get(f"/api/v1/quarantine/orders/{active.pk}").status_code == 200,
        "order page": page.get(f"/quarantine/orders/{released.pk}/").status_code == 200,
        "follow-ups due": active.pk
        in {o["id"] for o in api.get("/api/v1/quarantine/orders/due").json()["items"]},
        "release notice": api.get(f"/api/v1/quarantine/orders/{released.pk}/notice").status_code == 200,
        "notice list page": released.release_number in page.get("/quarantine/notices/").content.decode(),
        "sensor alerts": alert.pk in _ids(api.get("/api/v1/sensors/alerts")),
        "sensor alert": api.get(f"/api/v1/sensors/alerts/{alert.pk}").status_code == 200,
    }


def test_a_moved_person_takes_their_quarantine_file_to_the_new_community(world, rows, api_for, client_for):
    assert all(_sees(api_for, client_for, "community_A", rows).values())
    assert not any(_sees(api_for, client_for, "community_B", rows).values())
    assert rows["released"].release_number
    _move(world, api_for, rows["person"])

    seen_by_a = _sees(api_for, client_for, "community_A", rows)
    assert [what for what, seen in seen_by_a.items() if seen] == REGISTRANT
    seen_by_b = _sees(api_for, client_for, "community_B", rows)
    assert [what for what, seen in seen_by_b.items() if not seen] == []
    seen_by_streets = [_sees(api_for, client_for, s, rows) for s in ("street_A", "street_B")]
    assert [s["order detail"] for s in seen_by_streets] == [False, True]


def test_the_new_community_follows_up_and_the_old_one_cannot(world, rows, api_for):
    _move(world, api_for, rows["person"])
    order = rows["active"]
    body = {"method": "phone", "status": "reached", "temperature": "36.5"}
    url = f"/api/v1/quarantine/orders/{order.pk}/followups"
    refused = api_for("community_A").post(url, body, content_type="application/json")
    assert refused.status_code in (403, 404)
    assert FollowUp.objects.filter(order=order).count() == 0
    done = api_for("community_B").post(url, body, content_type="application/json")
    assert done.status_code in (200, 201), done.content
    assert FollowUp.objects.get(order=order).area_path == world.areas["B1"].path


def test_the_registering_community_may_no_longer_manage_the_return(world, rows, api_for):
    _move(world, api_for, rows["person"])
    returnee = rows["returnee"]
    body = {"measure": "monitoring", "days": 7, "reason": "已迁出本社区"}
    url = f"/api/v1/quarantine/returnees/{returnee.pk}/decision"
    refused = api_for("community_A").post(url, body, content_type="application/json")
    assert refused.status_code in (403, 404)
    assert returnee.decisions.count() == 1
    changed = api_for("community_B").post(url, body, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert returnee.decisions.count() == 2


def test_a_return_registered_elsewhere_stays_and_the_returns_take_the_new_destination(world, rows, api_for):
    _move(world, api_for, rows["person"])
    returnees = {r.pk: r for r in Returnee.objects.filter(person=rows["person"])}
    assert returnees[rows["elsewhere"].pk].destination == world.areas["A2"]
    assert returnees[rows["elsewhere"].pk].area_path == world.areas["A2"].path
    moved = [r for pk, r in returnees.items() if pk != rows["elsewhere"].pk]
    assert [(r.destination, r.area_path) for r in moved] == [(world.areas["B1"], world.areas["B1"].path)] * 2


def test_a_move_is_one_update_per_kind_of_record_and_is_audited(world, rows):
    person = rows["person"]
    with CaptureQueriesContext(connection) as queries:
        health_services.person_update(
            actor=world.users["sysadmin"],
            person_id=person.pk,
            name=person.name,
            phone=person.phone,
            area=world.areas["B1"],
            address="朝阳路1号",
        )
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    per_table = {table: sum(f'UPDATE "{table}"' in sql for sql in updates) for table in FOLLOWERS}
    assert per_table == dict.fromkeys(FOLLOWERS, 1)
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="update").first()
    assert entry.actor == world.users["sysadmin"]
    assert entry.changes["area"] == [world.areas["A1"].name, world.areas["B1"].name]
    assert entry.changes["moved_with_area"] == [
        None,
        {
            "返区人员": 2,
            "隔离令": 2,
            "随访记录": 1,
            "解除隔离通知书": 1,
            "设备绑定": 1,
            "设备事件": 1,
            "门磁告警": 1,
        },
    ]
