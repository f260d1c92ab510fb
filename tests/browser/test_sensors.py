"""Issue 5 item 6 in Chromium: the community worker has 门磁告警 open; a door sensor posts an event
to the live server with its own credentials; the alert appears on the open page without a reload,
and the worker acknowledges it and closes it with an outcome."""

import json
import os
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fugong.sensors.models import Alert
from tests.sensors.factories import bound_device

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SENSOR_SCREENSHOTS", "")  # a directory: save what the page looked like


def post_event(base_url: str, device_id: str, secret: str, event_id: str, kind: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the live server's own http URL)
        f"{base_url}/api/v1/sensors/events",
        data=json.dumps(
            {"event_id": event_id, "kind": kind, "occurred_at": timezone.now().isoformat()}
        ).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Device-Id": device_id, "X-Device-Secret": secret},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, json.loads(response.read())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_sensor_alert_reaches_the_open_page_and_is_handled(live_server, world, browser, login, size):
    dev, secret, order = bound_device(world)
    viewport = {"width": 1280, "height": 900} if size == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=size == "phone")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "community_A")
    page.goto(f"{live_server.url}/sensors/")
    expect(page.locator("#alert-empty")).to_be_visible()
    page.evaluate("window.__sameDocument = true")  # survives only if the page is never reloaded

    # When the door sensor reports that someone left, over HTTP with its own id and secret …
    status, body = post_event(live_server.url, dev.device_id, secret, "live-1", "person_left")
    assert status == 201 and body["kind"] == "person_left"
    alert = Alert.objects.get()

    # … the alert appears at the top of the open page within a few seconds, highlighted.
    card = page.locator(f"#alert-{alert.pk}")
    expect(card).to_be_visible(timeout=8000)
    expect(card).to_contain_text("李四")
    expect(card).to_contain_text("有人离开")
    expect(card).to_contain_text("138****8000")
    assert "fg-alert-new" in card.get_attribute("class")
    expect(page.locator("#alert-empty")).to_be_hidden()
    expect(page).to_have_title("(1) 门磁告警 · 复工复产平台")
    assert page.evaluate("window.__sameDocument") is True
    if size == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"sensors-{size}.png"), full_page=True)

    # Then the worker acknowledges it …
    card.get_by_role("button", name="确认，马上核实").click()
    expect(page.locator("main")).to_contain_text("已确认，请尽快处置")
    card = page.locator(f"#alert-{alert.pk}")
    expect(card).to_contain_text("确认，正在处置")
    # … and closes it with the outcome.
    card.locator("select[name=outcome]").select_option(label="外出已劝返")
    card.locator("input[name=note]").fill("电话联系，已返回家中")
    card.get_by_role("button", name="办结").click()
    expect(page.locator("main")).to_contain_text("告警已办结")
    expect(page.locator("main")).to_contain_text("外出已劝返：电话联系，已返回家中")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.closed_by) == (
        "closed",
        "turned_back",
        world.users["community_A"],
    )
    assert alert.order == order
    context.close()


def test_the_menu_badge_tells_a_worker_on_another_page(live_server, world, browser, login):
    """The worker is on 隔离随访, not on 门磁告警: the menu's badge still shows the new alert (every
    page polls it every 15 s), without a reload."""
    dev, secret, _order = bound_device(world)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "community_A")
    page.goto(f"{live_server.url}/quarantine/orders/due/")
    expect(page).to_have_title("待随访 · 复工复产平台")
    badge = page.locator("#fg-badge-sensors-alert_list-fg-side-nav")
    expect(badge).to_be_hidden()
    page.evaluate("window.__sameDocument = true")

    status, _body = post_event(live_server.url, dev.device_id, secret, "menu-1", "door_open")
    assert status == 201
    expect(badge).to_have_text("1", timeout=20000)
    expect(badge).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    # the phone menu carries the same count
    assert page.locator("#fg-badge-sensors-alert_list-fg-mobile-nav-list").text_content() == "1"
    context.close()


def test_the_alert_page_goes_to_sign_in_when_the_session_ends(live_server, world, browser, login):
    """Signed out elsewhere (or the session ended): the live page must not go on looking live. Its
    next poll takes the whole page to the sign-in form, which brings the worker back here."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "community_A")
    page.goto(f"{live_server.url}/sensors/")
    expect(page.locator("#alert-empty")).to_be_visible()
    context.clear_cookies()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=%2Fsensors%2F", timeout=10000)
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert page.locator("#alert-cards").count() == 0  # no login form inside the alert list
    context.close()
