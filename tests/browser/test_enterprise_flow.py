"""A street officer logs in, registers an enterprise, and finds it in the list."""

import re

from playwright.sync_api import expect

from fugong.core import fake
from fugong.enterprises.models import Enterprise


def test_street_officer_creates_an_enterprise_and_sees_it_listed(live_server, world, page, login):
    login(page, "street_A")
    expect(page.locator("header")).to_contain_text("天生街道")

    page.goto(f"{live_server.url}/enterprises/new/")
    code = fake.credit_code(777001)
    page.fill("#id_credit_code", code)
    page.fill("#id_name", "重庆缙云浏览器测试机械有限公司")
    page.fill("#id_legal_rep_name", "王建国")
    page.fill("#id_legal_rep_phone", "13812345678")
    page.select_option("#id_area", str(world.areas["A1"].pk))
    page.fill("#id_address", "天生路88号")
    page.select_option("#id_category", "above_scale")
    page.select_option("#id_industry", "C")
    page.fill("#id_headcount", "120")
    page.fill("#id_local_headcount", "90")
    page.locator("main form").get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
    expect(page.locator("main")).to_contain_text("重庆缙云浏览器测试机械有限公司")
    expect(page.locator("main")).to_contain_text("138****5678")

    page.goto(f"{live_server.url}/enterprises/?q=缙云浏览器")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("重庆缙云浏览器测试机械有限公司")
    expect(rows.first).to_contain_text(code)
    assert Enterprise.objects.get(credit_code=code).area == world.areas["A1"]


def test_a_wrong_credit_code_shows_a_chinese_error_and_saves_nothing(live_server, world, page, login):
    login(page, "street_A")
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_credit_code", "91500109MA00000010")
    page.fill("#id_name", "校验位错误测试公司")
    page.locator("main form").get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("统一社会信用代码校验位不正确")
    assert not Enterprise.objects.filter(name="校验位错误测试公司").exists()


def test_the_list_is_usable_on_a_phone(live_server, world, phone_page, login):
    login(phone_page, "street_A")
    phone_page.goto(f"{live_server.url}/enterprises/")
    expect(phone_page.locator("main h1")).to_be_visible()
    # The side navigation folds into the menu button on a narrow screen.
    expect(phone_page.locator("#fg-side-nav")).to_be_hidden()
    phone_page.get_by_role("button", name="菜单").click()
    expect(phone_page.locator("#fg-mobile-nav")).to_contain_text("企业名录")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone: {width}px"
