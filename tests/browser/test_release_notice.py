"""Issue 5 item 7 in Chromium on a phone-sized screen: the QR link of a release notice opens the
public verification page (真实有效); a changed code shows the red refusal."""

import os

from playwright.sync_api import expect

from tests.quarantine.notice_helpers import released

SHOTS = os.environ.get("FUGONG_SCREENSHOTS", "")  # a folder to keep the screenshots in, for a look


def test_verification_page_on_a_phone(live_server, world, phone_page):
    notice = released(world, name="王小明").notice
    phone_page.goto(f"{live_server.url}/quarantine/verify/{notice.number}/{notice.code}/")
    expect(phone_page.locator("main")).to_contain_text("真实有效")
    expect(phone_page.locator("main")).to_contain_text("王*明")
    expect(phone_page.locator("main")).to_contain_text(notice.number)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        phone_page.screenshot(path=os.path.join(SHOTS, "verify-genuine.png"), full_page=True)

    forged = "A" if notice.code[0] != "A" else "B"
    response = phone_page.goto(
        f"{live_server.url}/quarantine/verify/{notice.number}/{forged}{notice.code[1:]}/"
    )
    assert response.status == 404
    expect(phone_page.locator("main")).to_contain_text("无法核验")
    expect(phone_page.locator("main")).not_to_contain_text("王*明")
    if SHOTS:
        phone_page.screenshot(path=os.path.join(SHOTS, "verify-failed.png"), full_page=True)
