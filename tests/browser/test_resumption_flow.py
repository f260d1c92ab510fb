"""Issue 3 end to end in Chromium: an enterprise files, the street approves, the enterprise
reports, and the figure on the command page changes."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from fugong.core import fake
from fugong.resumption import tallies
from tests.world import restore_defaults


def resumption_card(page):
    return page.locator('[data-card="resumption"]')


def test_filing_review_report_moves_the_command_page(live_server, world, browser, login):
    restore_defaults()
    tallies.status_rebuild()
    officer = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    admin = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    for p in (officer, admin):
        p.set_default_timeout(15000)

    # Given street A's command page: none of its three enterprises is back yet.
    login(officer, "street_A")
    officer.goto(f"{live_server.url}/resumption/command/")
    expect(resumption_card(officer)).to_contain_text("已复工 0 / 应复工 3 家")

    # When the enterprise's admin files, on a phone: plan, supplies, measures and one returning employee.
    login(admin, "ent_admin_A")
    admin.goto(f"{live_server.url}/resumption/filing/edit/")
    admin.fill("#id_planned_date", timezone.localdate().isoformat())
    admin.fill("#id_prevention_plan", "进厂测温、每日两次消毒、错峰就餐")
    for field, value in (
        ("masks_stock", "3000"),
        ("masks_days", "14"),
        ("disinfectant_kg", "40"),
        ("disinfectant_days", "14"),
        ("thermometers", "4"),
    ):
        admin.fill(f"#id_{field}", value)
    admin.check("#id_has_isolation_room")
    admin.fill("#id_canteen_measures", "分时段就餐，一人一桌")
    admin.fill("#id_new-0-name", "李明")
    admin.fill("#id_new-0-id_number", fake.id_number(321, timezone.localdate().replace(year=1990)))
    admin.fill("#id_new-0-phone", "13912345678")
    admin.fill("#id_new-0-last14_location", "重庆市北碚区")
    admin.get_by_role("button", name="保存，下一步：签署承诺书").click()
    expect(admin).to_have_url(re.compile(r"/resumption/filing/submit/$"))
    admin.fill("#id_signatory_name", "王建国")
    admin.check("#id_accept")
    admin.get_by_role("button", name="签署并提交").click()
    expect(admin.locator("main")).to_contain_text("待审核")

    # Then the street officer finds it in the queue and approves it with a reason.
    officer.goto(f"{live_server.url}/resumption/reviews/")
    officer.locator("main").get_by_role("link", name=world.enterprises["A1_above_scale"].name).first.click()
    officer.check('input[name="decision"][value="approve"]')
    officer.fill("#id_reason", "材料齐全，防控措施到位，同意复工")
    officer.get_by_role("button", name="提交审核意见").click()
    expect(officer.locator("main")).to_contain_text("审核通过")

    # And the enterprise sends its first daily report.
    admin.goto(f"{live_server.url}/resumption/reports/today/")
    admin.fill("#id_staff_on_duty", "80")
    admin.fill("#id_staff_total", "100")
    admin.fill("#id_output_pct", "60")
    admin.fill("#id_masks_stock", "2800")
    admin.fill("#id_disinfectant_kg", "38")
    admin.locator('label[for="id_no_anomaly"]').click()  # the big one-tap toggle
    admin.get_by_role("button", name="提交今日日报").click()
    expect(admin.locator("main")).to_contain_text("更新今日日报")

    # The command page now counts it: 1 of 3 back, 80 of 100 on duty.
    officer.goto(f"{live_server.url}/resumption/command/")
    expect(resumption_card(officer)).to_contain_text("已复工 1 / 应复工 3 家")
    expect(officer.locator('[data-card="on_duty"]')).to_contain_text("80")
    officer.locator('[data-card="resumption"] a').first.click()
    expect(officer.locator("table tbody tr")).to_have_count(1)
    expect(officer.locator("table tbody")).to_contain_text(world.enterprises["A1_above_scale"].name)
