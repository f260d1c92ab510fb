"""The sensor pages: the live alert list and its poll fragment, acknowledging and closing, the device
page (secret shown once, bind, unbind, rotate), the order's panel, and the menu badge."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fugong.sensors.models import Alert, Binding, Device
from fugong.sensors.services import hash_secret

from .factories import alarm, device, home_order, post_event


def text(response) -> str:
    return response.content.decode()


def after_id(response) -> int:
    return int(re.search(r'id="sensor-after" name="after" value="(\d+)"', text(response)).group(1))


def test_the_alert_page_lists_open_alerts_with_masked_phone_and_polls_every_3s(world, client_for):
    alert, dev, _secret, _order = alarm(world)
    response = client_for("community_A").get("/sensors/")
    assert response.status_code == 200
    html = text(response)
    assert "李四" in html and "138****8000" in html and "13800138000" not in html
    assert dev.device_id in html and "某小区1栋1单元" in html and "已等待 0 分钟" in html
    assert 'hx-trigger="every 3s"' in html and "<title>(1) 门磁告警" in html
    assert after_id(response) == alert.pk


def test_the_poll_is_204_when_nothing_is_new_and_brings_a_new_alert(world, client_for):
    alert, dev, secret, _order = alarm(world)
    client = client_for("community_A")
    latest = after_id(client.get("/sensors/"))
    quiet = client.get(f"/sensors/alerts/poll/?after={latest}")
    assert quiet.status_code == 204 and quiet.content == b""
    # When the device reports someone leaving, the next poll carries the new card and the new mark.
    assert post_event(dev.device_id, secret, event_id="e-2", kind="person_left").status_code == 201
    fresh = client.get(f"/sensors/alerts/poll/?after={latest}")
    assert fresh.status_code == 200
    html = text(fresh)
    new = Alert.objects.get(event__event_id="e-2")
    assert f'id="alert-{new.pk}"' in html and f'id="alert-{alert.pk}"' not in html
    assert "有人离开" in html and "新告警" in html and "fg-alert-new" in html
    assert f'value="{new.pk}" hx-swap-oob="true"' in html and 'data-count="2"' in html
    assert client.get(f"/sensors/alerts/poll/?after={new.pk}").status_code == 204


def test_the_poll_shows_nothing_of_another_street(world, client_for):
    alarm(world, "B")
    assert client_for("community_A").get("/sensors/alerts/poll/?after=0").status_code == 204
    assert client_for("community_B").get("/sensors/alerts/poll/?after=0").status_code == 200


@pytest.mark.parametrize("after", ["", "abc", "-1", "9" * 40])
def test_a_bad_poll_mark_is_204_never_500(world, client_for, after):
    alarm(world)
    assert client_for("community_A").get(f"/sensors/alerts/poll/?after={after}").status_code == 204


def test_acknowledge_and_close_from_the_page(world, client_for):
    alert, *_ = alarm(world)
    client = client_for("community_A")
    response = client.post(f"/sensors/alerts/{alert.pk}/ack/", follow=True)
    assert "已确认，请尽快处置" in text(response)
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    response = client.post(f"/sensors/alerts/{alert.pk}/close/", {"outcome": "unreachable"}, follow=True)
    assert "联系不上的，请写明已上报给谁" in text(response)
    response = client.post(
        f"/sensors/alerts/{alert.pk}/close/",
        {"outcome": "unreachable", "note": "已报街道值班室"},
        follow=True,
    )
    assert "告警已办结" in text(response) and "联系不上已上报：已报街道值班室" in text(response)
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.closed_by) == (
        "closed",
        "unreachable",
        world.users["community_A"],
    )
    assert client.get("/sensors/alerts/poll/?after=0").status_code == 204  # nothing pending any more


def test_alerts_handled_by_a_removed_account_still_list(world, client_for):
    # acknowledged_by and closed_by are SET_NULL: once the worker's account is gone the page looked
    # up ``username`` on None and answered 500.
    acknowledged, *_ = alarm(world, event_id="e-1")
    closed, *_ = alarm(world, event_id="e-2")
    client = client_for("community_A")
    client.post(f"/sensors/alerts/{acknowledged.pk}/ack/")
    client.post(f"/sensors/alerts/{closed.pk}/ack/")
    client.post(f"/sensors/alerts/{closed.pk}/close/", {"outcome": "false_alarm"})
    Alert.objects.update(acknowledged_by=None, closed_by=None)

    response = client.get("/sensors/")

    assert response.status_code == 200
    assert "— 于" in text(response)


def test_a_second_acknowledgement_on_the_page_says_who(world, client_for):
    alert, *_ = alarm(world)
    client_for("community_A").post(f"/sensors/alerts/{alert.pk}/ack/")
    response = client_for("street_A").post(f"/sensors/alerts/{alert.pk}/ack/", follow=True)
    assert "该告警已由community_A于" in text(response)


def test_forms_need_the_csrf_token(world):
    alert, *_ = alarm(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["community_A"])
    assert client.post(f"/sensors/alerts/{alert.pk}/ack/").status_code == 403
    assert client.post("/sensors/devices/", {"device_id": "MC-CSRF-1"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open" and not Device.objects.filter(device_id="MC-CSRF-1").exists()
    page = client.get("/sensors/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    assert client.post(f"/sensors/alerts/{alert.pk}/ack/", {"csrfmiddlewaretoken": token}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_another_street_gets_404_on_the_pages_and_changes_nothing(world, client_for):
    alert, dev, secret, _order = alarm(world)
    client = client_for("community_B")
    for url, data in [
        (f"/sensors/alerts/{alert.pk}/ack/", {}),
        (f"/sensors/alerts/{alert.pk}/close/", {"outcome": "at_home"}),
        (f"/sensors/devices/{dev.pk}/rotate/", {}),
        (f"/sensors/devices/{dev.pk}/unbind/", {}),
        (f"/sensors/devices/{dev.pk}/active/", {"active": "0"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    html = text(client.get("/sensors/")) + text(client.get("/sensors/devices/"))
    assert "李四" not in html and dev.device_id not in html
    alert.refresh_from_db()
    dev.refresh_from_db()
    assert alert.status == "open" and dev.is_active and dev.secret_hash == hash_secret(secret)


@pytest.mark.parametrize("outsider", ["ent_admin_A", "employee_A", "resident_A", "site_A"])
def test_roles_without_quarantine_work_are_refused_the_pages(world, client_for, outsider):
    alarm(world)
    client = client_for(outsider)
    for url in ("/sensors/", "/sensors/devices/", "/sensors/alerts/poll/?after=0"):
        assert client.get(url).status_code == 403


def test_register_shows_the_secret_once(world, client_for):
    client = client_for("community_A")
    response = client.post(
        "/sensors/devices/", {"device_id": "MC-PAGE-1", "kind": "door", "note": "2栋1单元"}
    )
    assert response.status_code == 200
    secret = re.search(r'<code[^>]*id="device-secret">([^<]+)</code>', text(response)).group(1)
    assert Device.objects.get(device_id="MC-PAGE-1").secret_hash == hash_secret(secret)
    assert "只显示这一次" in text(response) and response["Cache-Control"].startswith("max-age=0")
    again = client.get("/sensors/devices/")
    assert "MC-PAGE-1" in text(again) and secret not in text(again)


def test_register_errors_are_shown_in_chinese(world, client_for):
    device(world, device_id="MC-TAKEN")
    response = client_for("community_A").post("/sensors/devices/", {"device_id": "MC-TAKEN", "kind": "door"})
    assert response.status_code == 400 and "该设备编号已登记" in text(response)
    assert Device.objects.count() == 1


def test_bind_from_the_device_page_and_unbind_and_rotate(world, client_for):
    client = client_for("community_A")
    dev, old = device(world)
    order = home_order(world)
    page = text(client.get("/sensors/devices/"))
    assert f'<option value="{order.pk}">李四 · 某小区1栋1单元' in page
    response = client.post("/sensors/bind/", {"device": dev.pk, "order": order.pk}, follow=True)
    assert f"已绑定：{dev.device_id} → 李四" in text(response)
    assert Binding.objects.get(device=dev, unbound_at__isnull=True).order == order
    response = client.post(f"/sensors/devices/{dev.pk}/rotate/")
    new = re.search(r'id="device-secret">([^<]+)<', text(response)).group(1)
    assert post_event(dev.device_id, old).status_code == 401
    assert post_event(dev.device_id, new).status_code == 201
    response = client.post(f"/sensors/devices/{dev.pk}/unbind/", follow=True)
    assert "已解绑" in text(response)
    assert Binding.objects.get(device=dev).unbound_at is not None


def test_the_order_page_shows_devices_events_and_binds(world, client_for):
    client = client_for("community_A")
    alert, dev, _secret, order = alarm(world)
    spare, _ = device(world, device_id="MC-SPARE")
    html = text(client.get(f"/quarantine/orders/{order.pk}/"))
    assert 'id="order-sensors"' in html and dev.device_id in html and "开门" in html
    assert f"#alert-{alert.pk}" in html and f'<option value="{spare.pk}">MC-SPARE' in html
    response = client.post(
        "/sensors/bind/", {"device": spare.pk, "order": order.pk, "next": f"/quarantine/orders/{order.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/quarantine/orders/{order.pk}/"
    assert Binding.objects.filter(order=order, unbound_at__isnull=True).count() == 2
    # An outside "next" is ignored.
    response = client.post(f"/sensors/devices/{spare.pk}/unbind/", {"next": "https://evil.example/"})
    assert response["Location"] == "/sensors/devices/"


def test_the_menu_badge_counts_open_alerts_in_scope(world, client_for):
    alarm(world)
    alarm(world, event_id="e-2")
    badge = re.compile(
        r'门磁告警 <span id="fg-badge-sensors-alert_list-fg-side-nav" class="([^"]*)"[^>]*>(\d*)</span>'
    )
    shown = badge.search(text(client_for("community_A").get("/")))
    assert shown.group(2) == "2" and "d-none" not in shown.group(1)
    other = badge.search(text(client_for("community_B").get("/")))
    assert other.group(2) == "" and "d-none" in other.group(1)  # there, kept hidden for the live poll


def test_lists_do_not_grow_queries_with_rows(world, client_for):
    client = client_for("community_A")
    alarm(world)
    client.get("/sensors/")  # the session's first request is warmed up

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            html = text(client.get(url))
        return len(ctx), html

    alerts_one, _ = queries("/sensors/")
    devices_one, _ = queries("/sensors/devices/")
    for i in range(4):
        alarm(world, event_id=f"n-{i}")
    alerts_five, html = queries("/sensors/")
    assert html.count('class="fg-card fg-alert fg-alert-open') == 5 and alerts_five == alerts_one
    devices_five, html = queries("/sensors/devices/")
    assert len(re.findall(r'id="device-\d+"', html)) == 5 and devices_five == devices_one


@pytest.mark.parametrize("outsider", ["ent_admin_A", "employee_A", "site_A"])
def test_binding_is_refused_to_roles_without_quarantine_work_and_across_streets(world, client_for, outsider):
    dev, _secret = device(world)
    order = home_order(world)
    body = {"device": dev.pk, "order": order.pk}
    assert client_for(outsider).post("/sensors/bind/", body).status_code == 403
    # Street B's worker sees neither A's device nor A's quarantine in the form: nothing is bound.
    refused = client_for("community_B").post("/sensors/bind/", body, follow=True)
    assert "请选择一个空闲设备和一户正在居家隔离的人员" in text(refused)
    assert not Binding.objects.filter(device=dev).exists()
    # The positive control: A's own worker binds them.
    assert client_for("community_A").post("/sensors/bind/", body).status_code == 302
    assert Binding.objects.get(device=dev, unbound_at__isnull=True).order == order
