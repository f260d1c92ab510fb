"""Issue 4's problem ledger end to end in Chromium: an enterprise records a problem on a phone, the
street answers it, the enterprise confirms it with a rating."""

import re

from playwright.sync_api import expect

from fugong.ledger.models import Problem


def test_problem_recorded_answered_and_rated(live_server, world, browser, login):
    officer = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    admin = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    for p in (officer, admin):
        p.set_default_timeout(15000)

    # Given the enterprise's admin on a phone records a labour problem (no rule: the street holds it).
    login(admin, "ent_admin_A")
    admin.goto(f"{live_server.url}/ledger/new/")
    admin.select_option("#id_category", "labour")
    admin.fill("#id_title", "缺少焊工6名")
    admin.fill("#id_description", "订单恢复，焊工返岗不足，需协调6名持证焊工")
    admin.get_by_role("button", name="提交").click()
    expect(admin).to_have_url(re.compile(r"/ledger/problems/\d+/$"))
    expect(admin.locator("main")).to_contain_text("待办")
    expect(admin.locator("main")).to_contain_text("天生街道")

    # When the street officer finds it in the ledger and answers it.
    login(officer, "street_A")
    officer.goto(f"{live_server.url}/ledger/")
    officer.locator("main").get_by_role("link", name="缺少焊工6名").click()
    officer.fill(
        "#action-answer textarea[name='answer']", "已对接区人力社保局，从合川调剂持证焊工6名，明日到岗"
    )
    officer.get_by_role("button", name="提交答复").click()
    expect(officer.locator("main")).to_contain_text("已答复")

    # Then the enterprise confirms it with a rating of 4 and the ledger shows it closed.
    admin.reload()
    admin.check("#action-confirm input[name='rating'][value='4']")
    admin.fill("#action-confirm input[name='comment']", "解决及时")
    admin.get_by_role("button", name="确认办结").click()
    expect(admin.locator("main")).to_contain_text("已确认")
    expect(admin.locator("[data-rating]")).to_contain_text("4 分")
    problem = Problem.objects.get(title="缺少焊工6名")
    assert (problem.status, problem.rating, problem.answered_by.username) == ("confirmed", 4, "street_A")
