"""Words, not codes, in a real browser (issue 16): each demo role's main pages — home, case list, a case with its
history, lead list, report list, agreement actions, rewards — read as the user reads them (the page's
``document.body.innerText`` in Chromium, zh-CN, less what is marked as another language) show no code, login
name or English word (the check: tests/nocodes.py, shared with the server-side sweep tests/test_no_codes.py,
which reads every page).

Screenshots in var/browser/: ``case-list.png``, ``case-history.png`` (a case scrolled to its history) and
``home-<account>.png`` for each demo account.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS
from tests.nocodes import VISIBLE_TEXT_JS, findings
from tests.quick_print import quick_print

pytestmark = pytest.mark.browser

ACCOUNTS = [
    "director",
    "enf_chief",
    "b01_chief",
    "b01_officer1",
    "legal",
    "analyst",
    "fund_officer",
    "auditor",
    "supervisor1",
]
MAIN_PAGES = [
    "home",
    "enforcement:case-list",
    "supervision:lead-list",
    "supervision:report-list",
    "enforcement:agreementaction-list",
    "enforcement:reward-list",
]


def demo_login(browser, username):
    page = browser.page()
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def a_case_with_history(username):
    """The case with the longest timeline among those the account sees (None for a supervisor)."""
    from django.db.models import Count

    from enforcement.cases.models import Case
    from supervision.org.models import User

    user = User.objects.get(username=username)
    cases = Case.objects.visible_to(user).annotate(steps=Count("events")).order_by("-steps", "-pk")
    return cases.first()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_main_pages_of_each_role_show_words_not_codes(browser, no_page_errors):
    with quick_print():  # the data, not the print (tests/quick_print.py)
        call_command("seed_demo", stdout=StringIO())
    found = {}
    for username in ACCOUNTS:
        page = demo_login(browser, username)
        urls = [reverse(name) for name in MAIN_PAGES]
        case = a_case_with_history(username)
        if case is not None:
            urls.insert(2, case.get_absolute_url())
        for url in urls:
            response = page.goto(url)
            if response.status != 200:  # a page this role may not open (403): not one of its main pages
                continue
            assert page.get_attribute("html", "lang") == "zh-hans"
            problems = findings(page.evaluate(VISIBLE_TEXT_JS))
            if problems:
                found[f"{username} {page.url}"] = sorted(set(problems))[:10]
            if url == reverse("home"):
                shot(page, f"home-{username}.png")
            if username == "b01_chief" and url == reverse("enforcement:case-list"):
                shot(page, "case-list.png")
            if username == "b01_chief" and case is not None and url == case.get_absolute_url():
                timeline = page.locator("main h2", has_text="办理过程").first  # the timeline, then the history
                timeline.evaluate("h => h.scrollIntoView({behavior: 'instant'})")  # not Bootstrap's smooth scroll
                page.screenshot(path=str(SCREENSHOTS / "case-history.png"))
        page.context.close()
    assert not found, "codes shown in the browser:\n" + "\n".join(f"{where}: {items}" for where, items in found.items())
