"""My inbox in the browser (issue 16): the B01 chief signs in, sees the inbox at the top of the home page with a
due-soon warning, the bell counts an unread notification, the inbox page lists the items, and a click opens the
record. Screenshots: var/browser/home-chief.png and var/browser/inbox.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.workdays import add_working_days
from supervision.notifications.models import Notification
from tests.browser.conftest import SCREENSHOTS
from tests.factories import CaseFactory, InstitutionFactory

pytestmark = pytest.mark.browser


def test_chief_finds_the_inbox_warning_and_the_record(browser, no_page_errors, org, cast):
    from playwright.sync_api import expect  # the browser fixture has checked that Playwright is there

    today = timezone.localdate()
    institution = InstitutionFactory(jurisdiction=org.b01, name="东湖社区卫生服务中心")
    soon = CaseFactory(institution=institution, title="涉嫌串换药品案", filing_due=add_working_days(today, 1))
    CaseFactory(institution=institution, title="涉嫌挂床住院案", filing_due=today - timedelta(days=3))
    Notification.objects.create(
        recipient=cast.b01_chief, verb="case_assigned", record_label=f"{soon.number} {soon.title}",
        url=soon.get_absolute_url(),
    )  # fmt: skip

    page = browser.as_user(cast.b01_chief)
    page.goto("/")
    block = page.locator("#home-inbox")
    assert "我的待办" in block.inner_text()
    assert "即将到期" in block.inner_text() and "已超期" in block.inner_text()
    expect(page.locator("#nav-bell-count")).to_have_text("1")  # filled in by the page's script
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-chief.png"), full_page=True)

    with page.expect_navigation():
        page.locator("#nav-inbox").click()
    assert "个工作日内到期" in page.locator("main").inner_text()
    rows = page.locator("tr.inbox-item")
    assert rows.count() == 2
    assert "已超期" in rows.nth(0).inner_text() and "即将到期" in rows.nth(1).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

    with page.expect_navigation():
        rows.nth(1).locator("a").first.click()
    assert page.url.endswith(soon.get_absolute_url())
    assert soon.title in page.locator("main").inner_text()
