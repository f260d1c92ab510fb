"""Issue 5 item 2 in Chromium on a phone-sized screen: scan the enterprise's QR link, identify once,
check in; a fever raises an alert the enterprise admin sees; the phone remembers the employee."""

from playwright.sync_api import expect

from fugong.checkins import services
from fugong.checkins.models import Alert, Checkin
from tests.checkins.factories import staff


def test_checkin_through_qr_link_on_a_phone(live_server, world, phone_page, login, browser):
    services.settings_clear_cache()
    a1 = world.enterprises["A1_above_scale"]
    person = staff(a1, 901, "陈晓")
    link = services.link_for(enterprise=a1)
    url = f"{live_server.url}/checkins/e/{link.token}/"

    # Given an employee opening the QR link for the first time: identify once.
    phone_page.goto(url)
    expect(phone_page.locator("main")).to_contain_text("首次打卡请核验身份")
    phone_page.fill("#id_name", "陈晓")
    phone_page.fill("#id_id_number", person.id_number)
    phone_page.get_by_role("button", name="核验身份").click()
    expect(phone_page.locator("main")).to_contain_text("您好，陈晓")

    # A temperature of 45 is refused in Chinese and nothing is saved.
    phone_page.fill("#id_temperature", "45")
    phone_page.get_by_role("button", name="提交打卡").click()
    expect(phone_page.locator("main")).to_contain_text("体温须在 35.0–42.0 ℃ 之间")
    assert not Checkin.objects.exists()

    # When they answer with a fever and a cough, the check-in is recorded and they are told what to do.
    phone_page.fill("#id_temperature", "37.8")
    phone_page.get_by_text("咳嗽", exact=True).click()
    phone_page.fill("#id_whereabouts", "公司")
    phone_page.get_by_role("button", name="提交打卡").click()
    expect(phone_page.locator("main")).to_contain_text("打卡成功")
    expect(phone_page.locator("main")).to_contain_text("已通知企业管理员")
    row = Checkin.objects.get()
    assert row.person == person and float(row.temperature) == 37.8 and row.symptom == "cough"

    # The page fits the phone's width (no sideways scrolling).
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # Then the phone remembers them: the next visit goes straight to the questions.
    phone_page.goto(url)
    expect(phone_page.locator("main")).to_contain_text("您好，陈晓")

    # And the enterprise admin sees the alert.
    admin = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(admin, "ent_admin_A")
    admin.goto(f"{live_server.url}/checkins/alerts/")
    expect(admin.locator("main")).to_contain_text("陈晓")
    expect(admin.locator("main")).to_contain_text("发热 37.8 ℃、咳嗽")
    assert Alert.objects.count() == 1
