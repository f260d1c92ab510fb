"""Issue 4 end to end in Chromium: an inspection with a violation on a phone → the proposed step
shown → an officer confirms it."""

from playwright.sync_api import expect


def test_inspection_violation_proposed_step_confirmed(live_server, world, phone_page, login):
    enterprise = world.enterprises["A1_commerce"]
    page = phone_page
    login(page, "street_A")

    # Given an inspector on a phone at the enterprise's gate: one item fails, with a finding.
    page.goto(f"{live_server.url}/supervision/inspections/new/{enterprise.pk}/")
    page.get_by_role("button", name="全部符合").click()
    page.locator('[data-item="masks"] label', has_text="不符合").click()
    page.fill("#id_finding_0", "车间多人未戴口罩")
    page.fill("#id_deadline_0", page.locator("#id_date").input_value())
    page.get_by_role("button", name="保存检查").click()
    expect(page.locator("main")).to_contain_text("车间多人未戴口罩")

    # When a violation is recorded from the inspection, the system proposes the first step.
    page.fill("#id_description", "未按要求佩戴口罩")
    page.get_by_role("button", name="记录违规").click()
    expect(page.locator("[data-proposed-step]")).to_contain_text("约谈法人代表")

    # Then the officer confirms it, and the decision is on record with who and when.
    page.get_by_role("button", name="确认处理决定").click()
    expect(page.locator("[data-decision]")).to_contain_text("已确认处理")
    expect(page.locator("[data-decision]")).to_contain_text("约谈法人代表")
