"""The Chinese interface in a real browser: the labels are Chinese, the glyphs come from a CJK font (not empty
boxes), and a record outside the user's scope shows the Chinese 404 page with status 404."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def rendering_fonts(page, selector: str) -> set[str]:
    """The fonts Chromium actually used to draw the element's text (DevTools' CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts if font["glyphCount"]}


def test_home_and_case_list_are_chinese(browser, no_page_errors, cast, driver):
    case = driver.open()
    page = browser.as_user(cast.b01_chief)
    assert page.get_attribute("html", "lang") == "zh-hans"
    links = page.eval_on_selector_all("a, button", "els => els.map(el => el.textContent.trim())")
    for label in ("医保基金监管执法平台", "首页", "线索", "案件", "退出"):
        assert label in links
    assert "欢迎您" in page.inner_text("main h1")
    fonts = rendering_fonts(page, ".navbar-brand")
    assert any("CJK" in name for name in fonts), f"no CJK font drew the brand: {fonts}"
    browser.screenshot(page, "home")

    with page.expect_navigation():
        page.click(f"a[href='{reverse('enforcement:case-list')}']")  # the menu's link
    assert page.inner_text("main h1").startswith("案件")
    header = page.inner_text("main table thead")
    assert "案件编号" in header and "状态" in header
    assert case.number in page.inner_text("main table tbody")
    fonts = rendering_fonts(page, "main table thead th")
    assert any("CJK" in name for name in fonts), f"no CJK font drew the table header: {fonts}"
    browser.screenshot(page, "case-list")


def test_case_of_another_branch_is_not_found(browser, no_page_errors, cast, org, b02_institution, driver):
    other = driver.open(by=cast.b02_officer, institution=b02_institution, title="西山中医医院串换药品案")
    assert other.jurisdiction == org.b02
    page = browser.as_user(cast.b01_officer)
    response = page.goto(other.get_absolute_url())
    assert response.status == 404
    assert page.title().startswith("未找到")
    assert "页面或记录不存在，或您无权查看。" in page.inner_text("main")
    assert other.number not in page.content() and other.title not in page.content()
    browser.screenshot(page, "not-found")
