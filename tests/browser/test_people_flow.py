"""Issue 5 end to end in Chromium, through the pages only: a returnee from a key area is registered,
the rule set in force decides 7 days at home and names itself; the worker issues the home quarantine,
records a follow-up, registers a door sensor and binds it; the sensor reports that someone left and the
alert reaches the worker's open alert page without a reload; the worker releases the person (early,
with a reason), the release notice PDF is downloaded and its printed link opened by someone not signed
in (as a compound's office scanning the QR code): 真实有效; a changed link fails."""

import datetime as dt
import io
import json
import re
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from fugong.core import fake
from fugong.quarantine.models import Order, RiskArea
from fugong.sensors.models import Device
from tests.quarantine.factories import under_the_ninth_edition

pytestmark = pytest.mark.browser


def post_event(base_url: str, device_id: str, secret: str, event_id: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (the live server's own http URL)
        f"{base_url}/api/v1/sensors/events",
        data=json.dumps(
            {"event_id": event_id, "kind": "person_left", "occurred_at": timezone.now().isoformat()}
        ).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Device-Id": device_id, "X-Device-Secret": secret},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


@under_the_ninth_edition  # the rule set in force decides 7 days
def test_returnee_to_verified_release_notice(live_server, world, browser, login):
    # The district's list of risk areas has 温州 as a key area (重点地区) since 2020.
    RiskArea.objects.create(province="浙江省", city="温州市", level="key", effective_from=dt.date(2020, 1, 1))
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "community_A")
    base = live_server.url

    # 1. The community worker registers the returnee.
    page.goto(f"{base}/quarantine/returnees/new/")
    page.fill("#id_id_number", fake.id_number(9701, dt.date(1990, 5, 6)))
    page.fill("#id_name", "赵龑")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_origin_province", "浙江省")
    page.fill("#id_origin_city", "温州市")
    page.fill("#id_arrival_date", f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}")
    page.select_option("#id_transport", "train")
    page.select_option("#id_destination", label=world.areas["A1"].name)
    page.fill("#id_address", "天生路2号3栋")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/quarantine/returnees/\d+/$"))

    # 2. The measure is the current rule set's, and the record names the rule.
    decision = page.locator("main").get_by_text("居家隔离 7天")
    expect(decision).to_be_visible()
    expect(page.locator("main")).to_contain_text("适用规则：新型冠状病毒肺炎防控方案（第九版）")
    expect(page.locator("main")).to_contain_text("申诉渠道")

    # 3. The home quarantine is issued with its responsible worker and family doctor.
    page.fill("#id_start_date", f"{timezone.localdate():%Y-%m-%d}")
    page.select_option("#id_responsible", label=world.users["community_A"].full_name)
    page.select_option("#id_doctor", label=world.users["medic_A"].full_name)
    page.get_by_role("button", name="按现行决定下达隔离措施").click()
    page.wait_for_url(re.compile(r"/quarantine/orders/\d+/$"))
    order = Order.objects.get(person__name="赵龑")
    assert (order.kind, order.rule_days, order.status) == ("home", 7, "active")
    order_url = page.url

    # 4. A follow-up by phone.
    page.get_by_role("link", name="记录随访").click()
    page.locator("label", has_text="电话").first.click()
    page.locator("label", has_text="已联系").first.click()
    page.fill("#id_temperature", "36.6")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(order_url)
    expect(page.locator("main")).to_contain_text("36.6℃")

    # 5. A door sensor is registered (its secret shown once) and bound from the order's page.
    page.goto(f"{base}/sensors/devices/")
    page.fill("#id_device_id", "MC-E2E-0001")
    page.get_by_role("button", name="登记并生成密钥").click()
    secret = page.locator("#device-secret").inner_text().strip()
    assert len(secret) >= 20
    page.goto(order_url)
    panel = page.locator("#order-sensors")
    panel.locator("select[name=device]").select_option(str(Device.objects.get(device_id="MC-E2E-0001").pk))
    panel.get_by_role("button", name="绑定设备").click()
    expect(page.locator("#order-sensors")).to_contain_text("MC-E2E-0001")

    # 6. With the alert page open, the sensor reports that someone left: the alert appears, no reload.
    alerts = context.new_page()
    alerts.goto(f"{base}/sensors/")
    alerts.evaluate("window.__sameDocument = true")
    assert post_event(base, "MC-E2E-0001", secret, "e2e-1") == 201
    card = alerts.locator("[id^=alert-]", has_text="赵龑").first
    expect(card).to_be_visible(timeout=8000)
    assert alerts.evaluate("window.__sameDocument") is True
    card.get_by_role("button", name="确认，马上核实").click()
    card = alerts.locator("[id^=alert-]", has_text="赵龑").first
    card.locator("select[name=outcome]").select_option(label="外出已劝返")
    card.get_by_role("button", name="办结").click()
    expect(alerts.locator("main")).to_contain_text("告警已办结")
    alerts.close()

    # 7. Release before the planned end needs a reason; with one, the notice is issued.
    page.goto(order_url)
    page.locator("summary", has_text="解除隔离").click()
    release = page.locator("form[action$='/release/']")
    release.get_by_role("button", name="解除").click()
    expect(page.locator("main")).to_contain_text("提前解除须填写理由")
    page.locator("summary", has_text="解除隔离").click()
    release = page.locator("form[action$='/release/']")
    release.locator("[name=reason]").fill("核酸检测阴性，经区指挥部批准提前解除")
    release.get_by_role("button", name="解除").click()
    notice_panel = page.locator("#notice")
    expect(notice_panel).to_contain_text("JC")
    order.refresh_from_db()
    assert order.status == "released" and order.release_number

    # 8. The PDF: its printed verification link is the one the QR code carries.
    with page.expect_download() as info:
        notice_panel.get_by_role("link", name="下载通知书 PDF").click()
    pdf = open(info.value.path(), "rb").read()  # noqa: SIM115
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\x00", "")
    assert order.release_number in text and "赵龑" in text
    link = re.search(r"https?://\S+/verify/\S+?/\S+?/", text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    # 9. Someone not signed in opens the link: genuine; the same link with its code changed fails.
    stranger = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    check = stranger.new_page()
    check.goto(f"{base}/{path}")
    expect(check.locator("main")).to_contain_text("真实有效")
    expect(check.locator("main")).to_contain_text(order.release_number)
    number, code = path.rstrip("/").split("/")[-2:]
    forged = ("B" if code[0] != "B" else "C") + code[1:]
    response = check.goto(f"{base}/{path.replace(f'{number}/{code}', f'{number}/{forged}')}")
    assert response.status == 404
    expect(check.locator("main")).to_contain_text("无法核验")
    stranger.close()
    context.close()
