"""/api/v1/sensors: the device endpoint (per-device auth, idempotent, refusals) and the scoped user
endpoints for devices and alerts."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.sensors.models import Alert, Binding, Device, Event, RefusedEvent
from fugong.sensors.services import hash_secret

from .factories import alarm, bound_device, device, home_order, post_event

URL = "/api/v1/sensors/events"


def counts():
    return Event.objects.count(), Alert.objects.count(), RefusedEvent.objects.count()


# The device endpoint -----------------------------------------------------------------------------


def test_new_event_is_201_and_a_replay_is_200_with_the_same_body(world):
    dev, secret, _order = bound_device(world)
    first = post_event(dev.device_id, secret, event_id="evt-1", kind="person_left")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["event_id"] == "evt-1" and body["kind"] == "person_left" and body["kind_label"] == "有人离开"
    assert body["alert_id"] == Alert.objects.get().pk
    again = post_event(
        dev.device_id,
        secret,
        event_id="evt-1",
        kind="door_open",
        occurred_at=timezone.now() + dt.timedelta(seconds=40),
    )
    assert again.status_code == 200 and again.json() == body
    assert counts() == (1, 1, 0)


def test_unknown_device_and_wrong_secret_get_the_same_401(world):
    dev, secret, _order = bound_device(world)
    unknown = post_event("MC-NOBODY", secret)
    wrong = post_event(dev.device_id, "not-the-secret")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == {"detail": "设备编号或密钥错误"}
    assert counts()[:2] == (0, 0)
    assert list(RefusedEvent.objects.order_by("id").values_list("device_id", "reason", "remote_ip")) == [
        ("MC-NOBODY", "unknown_device", "127.0.0.1"),
        (dev.device_id, "wrong_secret", "127.0.0.1"),
    ]


def test_a_user_token_or_session_alone_is_refused(world, api_for, client_for):
    dev, secret, _order = bound_device(world)
    payload = {"event_id": "u-1", "kind": "door_open", "occurred_at": timezone.now().isoformat()}
    for client in (api_for("community_A"), client_for("sysadmin")):
        response = client.post(URL, payload, content_type="application/json")
        assert response.status_code == 401 and response.json() == {"detail": "设备编号或密钥错误"}
    # A bearer token does not stand in for the device's secret either.
    response = api_for("sysadmin").post(
        URL, payload, content_type="application/json", headers={"X-Device-Id": dev.device_id}
    )
    assert response.status_code == 401
    assert counts()[:2] == (0, 0)


def test_the_device_endpoint_needs_no_csrf_token(world):
    dev, secret, _order = bound_device(world)
    client = Client(enforce_csrf_checks=True)
    assert post_event(dev.device_id, secret, client=client).status_code == 201


def test_unbound_and_released_devices_get_409(world, api_for):
    free, free_secret = device(world)
    response = post_event(free.device_id, free_secret)
    assert response.status_code == 409 and response.json() == {"detail": "设备未绑定居家隔离，事件未记录"}
    dev, secret, order = bound_device(world)
    token = api_for("community_A")
    response = token.post(
        f"/api/v1/quarantine/orders/{order.pk}/release",
        {"reason": "测试提前解除"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    response = post_event(dev.device_id, secret, event_id="after-release")
    assert response.status_code == 409 and "已自动解绑" in response.json()["detail"]
    assert Binding.objects.get(device=dev).unbound_at is not None
    assert counts() == (0, 0, 2)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"event_id": "b-1", "kind": "smoke"}, "kind"),
        ({"event_id": 17, "kind": "door_open"}, "event_id"),
        ({"event_id": "b-1", "kind": "door_open", "occurred_at": "yesterday"}, "occurred_at"),
        ({"event_id": "b-1", "kind": "door_open", "occurred_at": "2099-01-01T00:00:00+08:00"}, "occurred_at"),
        ({"kind": "door_open"}, "event_id"),
    ],
)
def test_bad_input_is_422_in_chinese(world, payload, field):
    dev, secret, _order = bound_device(world)
    body = {"occurred_at": timezone.now().isoformat(), **payload}
    response = Client().post(
        URL,
        json.dumps(body),
        content_type="application/json",
        headers={"X-Device-Id": dev.device_id, "X-Device-Secret": secret},
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "提交的数据有误" and field in response.json()["errors"]
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_422_never_500(world, raw):
    dev, secret, _order = bound_device(world)
    response = Client().post(
        URL,
        raw,
        content_type="application/json",
        headers={"X-Device-Id": dev.device_id, "X-Device-Secret": secret},
    )
    assert response.status_code == 422
    assert counts() == (0, 0, 0)


def test_other_methods_on_the_device_endpoint_are_405(world):
    assert Client().get(URL).status_code == 405


# Devices for users -------------------------------------------------------------------------------


def test_register_a_device_returns_its_secret_once(world, api_for):
    client = api_for("community_A")
    response = client.post(
        "/api/v1/sensors/devices",
        {"device_id": "MC-API-1", "kind": "infrared", "note": "3栋"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["device_id"] == "MC-API-1" and body["kind_label"] == "红外感应摄像头"
    assert body["area_code"] == world.areas["A1"].code and body["binding"] is None
    assert Device.objects.get(device_id="MC-API-1").secret_hash == hash_secret(body["secret"])
    listed = client.get("/api/v1/sensors/devices").json()
    assert listed["count"] == 1 and "secret" not in listed["items"][0]
    detail = client.get(f"/api/v1/sensors/devices/{body['id']}").json()
    assert "secret" not in detail and body["secret"] not in json.dumps(detail)


def test_register_refuses_bad_input_and_other_areas(world, api_for):
    client = api_for("community_A")
    response = client.post("/api/v1/sensors/devices", {"device_id": "x"}, content_type="application/json")
    assert response.status_code == 422 and "device_id" in response.json()["errors"]
    response = client.post(
        "/api/v1/sensors/devices",
        {"device_id": "MC-B-AREA", "area_code": world.areas["B1"].code},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"]["area"] == ["请选择管辖范围内的区域"]
    assert not Device.objects.exists()


def test_bind_unbind_and_rotate_through_the_api(world, api_for):
    client = api_for("community_A")
    dev, old_secret = device(world)
    order = home_order(world)
    response = client.post(
        f"/api/v1/sensors/devices/{dev.pk}/bind", {"order_id": order.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["binding"]["order_id"] == order.pk and response.json()["binding"]["name"] == "李四"
    response = client.post(
        f"/api/v1/sensors/devices/{dev.pk}/rotate-secret", {}, content_type="application/json"
    )
    new_secret = response.json()["secret"]
    assert post_event(dev.device_id, old_secret).status_code == 401
    assert post_event(dev.device_id, new_secret).status_code == 201
    response = client.post(
        f"/api/v1/sensors/devices/{dev.pk}/unbind", {"reason": "设备回收"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["binding"] is None
    assert Binding.objects.get(device=dev).unbind_reason == "设备回收"
    response = client.post(f"/api/v1/sensors/devices/{dev.pk}/bind", {}, content_type="application/json")
    assert response.status_code == 422 and "order" in response.json()["errors"]


def test_stop_and_resume_a_device_through_the_api(world, api_for):
    client = api_for("community_A")
    dev, secret, _order = bound_device(world)
    url = f"/api/v1/sensors/devices/{dev.pk}/active"

    stopped = client.post(url, {"active": False}, content_type="application/json")

    assert stopped.status_code == 200, stopped.content
    assert (stopped.json()["is_active"], stopped.json()["binding"]) == (False, None)
    assert Binding.objects.get(device=dev).unbind_reason == "设备停用，自动解绑"
    assert post_event(dev.device_id, secret).status_code != 201
    resumed = client.post(url, {"active": True}, content_type="application/json")
    assert resumed.status_code == 200 and resumed.json()["is_active"] is True
    dev.refresh_from_db()
    assert dev.is_active


def test_active_without_a_choice_is_422_in_chinese_and_changes_nothing(world, api_for):
    dev, _secret, _order = bound_device(world)

    response = api_for("community_A").post(
        f"/api/v1/sensors/devices/{dev.pk}/active", {}, content_type="application/json"
    )
    refused = api_for("ent_admin_A").post(
        f"/api/v1/sensors/devices/{dev.pk}/active", {"active": False}, content_type="application/json"
    )

    assert response.status_code == 422 and response.json()["errors"]["active"] == ["请选择启用或停用"]
    assert refused.status_code == 403
    dev.refresh_from_db()
    assert dev.is_active and Binding.objects.get(device=dev).unbound_at is None


# Alerts for users --------------------------------------------------------------------------------


def test_alert_list_ack_and_close(world, api_for):
    alert, dev, _secret, _order = alarm(world)
    client = api_for("community_A")
    listed = client.get("/api/v1/sensors/alerts?status=open").json()
    assert listed["count"] == 1 and listed["open"] == 1
    item = listed["items"][0]
    assert (item["id"], item["name"], item["phone"], item["device_id"]) == (
        alert.pk,
        "李四",
        "138****8000",
        dev.device_id,
    )
    response = client.post(f"/api/v1/sensors/alerts/{alert.pk}/ack", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    again = api_for("street_A").post(
        f"/api/v1/sensors/alerts/{alert.pk}/ack", {}, content_type="application/json"
    )
    assert again.status_code == 422 and "community_A" in again.json()["errors"]["__all__"][0]
    response = client.post(
        f"/api/v1/sensors/alerts/{alert.pk}/close", {"outcome": "nothing"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"] == {"outcome": ["请选择处置结果"]}
    response = client.post(
        f"/api/v1/sensors/alerts/{alert.pk}/close",
        {"outcome": "at_home", "note": "电话核实"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome_label"]) == ("closed", "人员在家")
    assert client.get("/api/v1/sensors/alerts?status=open").json()["count"] == 0


def test_alert_list_does_not_grow_queries_with_rows(world, api_for):
    client = api_for("community_A")
    alarm(world)
    client.get("/api/v1/sensors/alerts")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/sensors/alerts").json()["count"] == 1
    for i in range(4):
        alarm(world, event_id=f"many-{i}")
    with CaptureQueriesContext(connection) as five:
        assert client.get("/api/v1/sensors/alerts").json()["count"] == 5
    assert len(five) == len(one)


@pytest.mark.parametrize("intruder", ["community_B", "street_B", "medic_B"])
def test_another_street_gets_404_and_changes_nothing(world, api_for, intruder):
    alert, dev, _secret, order = alarm(world)
    client = api_for(intruder)
    for url in (f"/api/v1/sensors/alerts/{alert.pk}", f"/api/v1/sensors/devices/{dev.pk}"):
        assert client.get(url).status_code == 404
    posts = [
        (f"/api/v1/sensors/alerts/{alert.pk}/ack", {}),
        (f"/api/v1/sensors/alerts/{alert.pk}/close", {"outcome": "at_home"}),
        (f"/api/v1/sensors/devices/{dev.pk}/unbind", {}),
        (f"/api/v1/sensors/devices/{dev.pk}/rotate-secret", {}),
        (f"/api/v1/sensors/devices/{dev.pk}/bind", {"order_id": order.pk}),
        (f"/api/v1/sensors/devices/{dev.pk}/active", {"active": False}),
    ]
    for url, body in posts:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 404, (url, response.content)
    assert client.get("/api/v1/sensors/alerts").json() == {"items": [], "count": 0, "open": 0}
    assert client.get("/api/v1/sensors/devices").json() == {"items": [], "count": 0}
    alert.refresh_from_db()
    dev.refresh_from_db()
    assert alert.status == "open" and dev.secret_hash == hash_secret(_secret) and dev.is_active
    assert Binding.objects.get(device=dev).unbound_at is None


@pytest.mark.parametrize("outsider", ["ent_admin_A", "employee_A", "resident_A", "site_A", "leader"])
def test_roles_without_quarantine_work_are_refused(world, api_for, outsider):
    alert, dev, _secret, _order = alarm(world)
    client = api_for(outsider)
    assert client.get("/api/v1/sensors/alerts").status_code == 403
    assert client.get("/api/v1/sensors/devices").status_code == 403
    response = client.post(
        "/api/v1/sensors/devices", {"device_id": "MC-OUT"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert (
        client.post(f"/api/v1/sensors/alerts/{alert.pk}/ack", {}, content_type="application/json").status_code
        == 403
    )
    alert.refresh_from_db()
    assert alert.status == "open" and Device.objects.count() == 1


def test_the_openapi_document_describes_the_device_endpoint_in_chinese(world, client):
    doc = client.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/sensors/events"]["post"]
    assert "X-Device-Id" in op["description"] and "重发" in op["description"]
    assert set(op["responses"]) >= {"200", "201", "401", "409", "422"}
    assert "/api/v1/sensors/alerts/{pk}/close" in doc["paths"]
