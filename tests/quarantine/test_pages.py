"""The quarantine pages: register, list (masked), detail with the rule, handover inbox, follow-up
form, overdue list, site dashboard and check-in, rule data."""

import datetime as dt

from django.utils import timezone

from fugong.quarantine.models import FollowUp, Returnee, RiskArea, RuleSet, Stay

from .factories import high_risk, id_number, order_for, register, site_with_rooms, under_the_ninth_edition


@under_the_ninth_edition
def test_register_page_decides_and_shows_the_rule(world, client_for):
    high_risk()
    client = client_for("community_A")
    number = id_number()
    response = client.post(
        "/quarantine/returnees/new/",
        {
            "id_number": number,
            "name": "李四",
            "phone": "13900139000",
            "origin_province": "湖北省",
            "origin_city": "武汉市",
            "arrival_date": str(timezone.localdate()),
            "transport": "train",
            "destination": world.areas["A1"].pk,
            "address": "1栋",
        },
    )
    returnee = Returnee.objects.get(person__id_number=number)
    assert response.status_code == 302 and response["Location"] == f"/quarantine/returnees/{returnee.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "集中隔离 7天" in page and "新型冠状病毒肺炎防控方案（第九版）" in page and "申诉渠道" in page
    assert number not in page and number[:4] + "*" in page
    listing = client.get("/quarantine/").content.decode()
    assert "李四" in listing and number not in listing


def test_register_page_refuses_bad_input_in_chinese(world, client_for):
    client = client_for("community_A")
    good = id_number()
    response = client.post(
        "/quarantine/returnees/new/",
        {
            "id_number": good[:17] + ("0" if good[17] != "0" else "1"),
            "name": "李四",
            "origin_province": "湖北省",
            "arrival_date": str(timezone.localdate() + dt.timedelta(days=2)),
            "transport": "train",
            "destination": world.areas["A1"].pk,
            "address": "1栋",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "身份证号校验位不正确" in page and "抵达日期不能晚于今天" in page
    assert not Returnee.objects.exists()


def test_handover_inbox_and_accept(world, client_for):
    returnee = register(world, "community_A", "B1", name="王五")
    assert "待接收" in client_for("community_A").get("/quarantine/").content.decode()
    b = client_for("community_B")
    inbox = b.get("/quarantine/handovers/").content.decode()
    assert "王五" in inbox
    assert b.post(f"/quarantine/returnees/{returnee.pk}/accept/").status_code == 302
    returnee.refresh_from_db()
    assert returnee.handover == "accepted"
    assert "王五" not in b.get("/quarantine/handovers/").content.decode().split("本单位移交的")[0]


def test_followup_form_and_due_list(world, client_for):
    order = order_for(world)
    client = client_for("community_A")
    assert order.person.name in client.get("/quarantine/orders/due/").content.decode()
    response = client.post(
        f"/quarantine/orders/{order.pk}/followup/",
        {"method": "phone", "status": "reached", "temperature": "42.5"},
    )
    assert response.status_code == 400 and "体温应在35–42℃之间" in response.content.decode()
    response = client.post(
        f"/quarantine/orders/{order.pk}/followup/",
        {"method": "wechat", "status": "reached", "temperature": "36.4"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(order=order).count() == 1
    assert order.person.name not in client.get("/quarantine/orders/due/").content.decode()
    assert "36.4" in client.get(f"/quarantine/orders/{order.pk}/").content.decode()


def test_early_release_page_refuses_without_reason(world, client_for):
    order = order_for(world)
    client = client_for("community_A")
    response = client.post(f"/quarantine/orders/{order.pk}/release/", {"reason": ""}, follow=True)
    assert "提前解除须填写理由" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "active"


def test_site_dashboard_and_check_in(world, client_for):
    site = site_with_rooms(world)
    order = order_for(world)
    client = client_for("site_A")
    room = site.rooms.get(number="101")
    response = client.post(
        f"/quarantine/sites/{site.pk}/check-in/",
        {
            "id_number": order.person.id_number,
            "room": room.pk,
            "checked_registration": "on",
            "checked_temperature": "on",
        },
        follow=True,
    )
    assert "全部核验达标后方可入住" in response.content.decode()
    response = client.post(
        f"/quarantine/sites/{site.pk}/check-in/",
        {
            "id_number": order.person.id_number,
            "room": room.pk,
            "checked_registration": "on",
            "checked_temperature": "on",
            "checked_health": "on",
        },
        follow=True,
    )
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).count() == 1
    page = client.get(f"/quarantine/sites/{site.pk}/").content.decode()
    assert "入住酒店人员共1人，现入住1人" in page
    # Site staff of B don't even see A's site.
    assert client_for("site_B").get(f"/quarantine/sites/{site.pk}/").status_code == 404
    assert site.name not in client_for("site_B").get("/quarantine/sites/").content.decode()


def test_rules_page_for_sysadmin_only(world, client_for):
    assert client_for("street_A").get("/quarantine/settings/").status_code == 403
    client = client_for("sysadmin")
    assert "重庆市2020年返区人员管控措施" in client.get("/quarantine/settings/").content.decode()
    response = client.post(
        "/quarantine/settings/",
        {
            "form": "risk",
            "risk-province": "河北省",
            "risk-city": "石家庄市",
            "risk-level": "high",
            "risk-effective_from": "2021-01-06",
        },
    )
    assert response.status_code == 302 and RiskArea.objects.filter(city="石家庄市").exists()
    response = client.post(
        "/quarantine/settings/",
        {
            "form": "rules",
            "rules-name": "二十条",
            "rules-effective_from": "2022-11-11",
            "rules-legal_basis": "进一步优化防控工作的二十条措施",
            "rules-appeal": "向社区申请复核",
            "rules-rules": "high home 7\nany monitoring 0",
        },
    )
    assert response.status_code == 302
    assert [r.days for r in RuleSet.objects.get(name="二十条").rules.all()] == [7, 0]


def test_sysadmin_binds_staff_and_adds_rooms(world, client_for):
    from fugong.quarantine import services

    site = services.site_create(actor=world.users["sysadmin"], name="北碚宾馆", area_id=world.areas["A"].pk)
    client = client_for("sysadmin")
    client.post(f"/quarantine/sites/{site.pk}/setup/", {"number": "201"})
    client.post(f"/quarantine/sites/{site.pk}/setup/", {"username": "site_A"})
    assert list(site.rooms.values_list("number", flat=True)) == ["201"]
    assert client_for("site_A").get(f"/quarantine/sites/{site.pk}/").status_code == 200
    assert (
        client_for("street_A").post(f"/quarantine/sites/{site.pk}/setup/", {"number": "9"}).status_code == 403
    )
