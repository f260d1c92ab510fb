"""Under the Content-Security-Policy the pages still work: the behaviour that was in inline handlers
(confirmations, select-all) now runs from static/js/fugong.js, and an injected inline script is blocked
and reported."""

import pytest

pytestmark = pytest.mark.browser


def test_a_declined_confirmation_stops_the_export_and_an_accepted_one_lets_it_go(
    world, page, login, live_server
):
    login(page, "street_A")
    page.goto(f"{live_server.url}/enterprises/")
    menu = page.locator(".btn-group:has(a[data-confirm]) [data-bs-toggle=dropdown]").first
    export = page.locator("a[data-confirm]").first
    asked = []
    menu.click()  # Bootstrap's dropdown: our vendored script runs under the policy

    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    export.click()
    page.wait_for_timeout(300)
    assert asked and "导出的文件将包含完整手机号码" in asked[0]
    assert page.url == f"{live_server.url}/enterprises/"  # declined: nothing downloaded, still here

    page.once("dialog", lambda d: d.accept())
    if not export.is_visible():
        menu.click()
    with page.expect_download() as download:
        export.click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_an_injected_inline_script_does_not_run(world, browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    reports = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")

    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
                   document.body.appendChild(s); }"""
    )

    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => typeof htmx") == "object"  # our own scripts did load
    assert reports  # the browser reported the violation
    context.close()
