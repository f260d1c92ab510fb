"""/api/v1/quarantine: scoped like the pages, Chinese errors, masked personal data."""

import datetime as dt

from django.utils import timezone

from fugong.quarantine.models import Returnee, Stay

from .factories import high_risk, id_number, order_for, register, site_with_rooms, under_the_ninth_edition

API = "/api/v1/quarantine"


@under_the_ninth_edition
def test_register_and_read_a_returnee(world, api_for):
    high_risk()
    client = api_for("community_A")
    number = id_number()
    response = client.post(
        f"{API}/returnees",
        {
            "id_number": number,
            "name": "赵六",
            "phone": "13700137000",
            "origin_province": "湖北省",
            "origin_city": "武汉市",
            "arrival_date": str(timezone.localdate()),
            "transport": "plane",
            "address": "2栋",
            "destination_code": world.areas["B1"].code,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["handover"] == "pending" and body["handover_label"] == "待接收"
    assert body["id_number"] != number and body["id_number"].startswith(number[:4])
    decision = body["decisions"][0]
    assert decision["measure"] == "centralized" and decision["rule"].startswith("1.")
    assert "第九版" in decision["rule_set"] and decision["appeal"]
    # community_B receives it in the inbox and accepts.
    b = api_for("community_B")
    assert [r["id"] for r in b.get(f"{API}/handovers").json()["items"]] == [body["id"]]
    assert b.post(f"{API}/returnees/{body['id']}/accept").json()["handover"] == "accepted"
    order = b.post(
        f"{API}/returnees/{body['id']}/orders",
        {"start_date": str(timezone.localdate())},
        content_type="application/json",
    )
    assert order.status_code == 201 and order.json()["rule_days"] == 7
    assert api_for("community_A").get(f"{API}/orders/{order.json()['id']}").status_code == 404


def test_bad_input_answers_in_chinese(world, api_for):
    good = id_number()
    response = api_for("community_A").post(
        f"{API}/returnees",
        {
            "id_number": good[:17] + ("0" if good[17] != "0" else "1"),
            "name": "赵六",
            "origin_province": "湖北省",
            "arrival_date": str(timezone.localdate() + dt.timedelta(days=1)),
            "transport": "plane",
            "address": "2栋",
            "destination_code": world.areas["A1"].code,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["id_number"] == ["身份证号校验位不正确，请核对后重新输入"]
    assert errors["arrival_date"] == ["抵达日期不能晚于今天"]
    assert not Returnee.objects.exists()


def test_followups_release_and_due(world, api_for):
    order = order_for(world)
    client = api_for("community_A")
    assert [o["id"] for o in client.get(f"{API}/orders/due").json()["items"]] == [order.pk]
    response = client.post(
        f"{API}/orders/{order.pk}/followups",
        {"method": "visit", "status": "reached", "temperature": "36.8"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["followups"][0]["temperature"] == "36.8"
    assert client.get(f"{API}/orders/due").json()["count"] == 0
    response = client.post(f"{API}/orders/{order.pk}/release", {}, content_type="application/json")
    assert response.status_code == 422 and "提前解除须填写理由" in response.json()["errors"]["reason"][0]
    response = client.post(
        f"{API}/orders/{order.pk}/release", {"reason": "专家组评估"}, content_type="application/json"
    )
    assert response.json()["status"] == "released" and response.json()["release_number"]


def test_room_taken_over_the_api(world, api_for):
    site = site_with_rooms(world)
    room = site.rooms.get(number="101")
    first, second = order_for(world), order_for(world)
    client = api_for("site_A")
    checks = {"checked_registration": True, "checked_temperature": True, "checked_health": True}
    ok = client.post(
        f"{API}/sites/{site.pk}/check-in",
        {"room_id": room.pk, "id_number": first.person.id_number, **checks},
        content_type="application/json",
    )
    assert ok.status_code == 201
    taken = client.post(
        f"{API}/sites/{site.pk}/check-in",
        {"room_id": room.pk, "id_number": second.person.id_number, **checks},
        content_type="application/json",
    )
    assert taken.status_code == 422 and taken.json()["errors"]["room"] == ["该房间已有人入住"]
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).count() == 1
    assert client.get(f"{API}/occupancy").json()["text"] == "入住酒店人员共1人，现入住1人"
    assert api_for("site_B").get(f"{API}/sites/{site.pk}").status_code == 404
    assert api_for("site_B").get(f"{API}/sites").json() == []


def test_community_b_sees_none_of_a(world, api_for):
    returnee = register(world, "community_A", "A1")
    b = api_for("community_B")
    assert b.get(f"{API}/returnees").json()["count"] == 0
    assert b.get(f"{API}/returnees/{returnee.pk}").status_code == 404
    assert (
        b.post(
            f"{API}/returnees/{returnee.pk}/decision",
            {"measure": "home", "days": 3, "reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
