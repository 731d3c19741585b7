"""Tables and pickers in the browser (issue 16): the case list sorted by a column heading (ascending, then
descending, the order in the URL), a page-size choice, and a type-ahead institution pick on the lead form."""

import pytest
from django.urls import reverse

from supervision.leads.models import Lead
from tests.browser.conftest import SCREENSHOTS, pick
from tests.factories import CaseFactory, InstitutionFactory

pytestmark = pytest.mark.browser


def case_numbers(page) -> list[str]:
    """The case numbers of the list's rows, in the order shown."""
    return [text.strip() for text in page.locator("main table tbody tr td.text-nowrap a").all_inner_texts()]


def test_sort_the_case_list_and_choose_the_page_size(browser, no_page_errors, cast, b01_institution):
    numbers = ["B01-2026-0003", "B01-2026-0001", "B01-2026-0004", "B01-2026-0002"]
    for number in numbers:
        CaseFactory(number=number, institution=b01_institution, title=f"{number}号案件")
    page = browser.as_user(cast.b01_chief)
    page.goto(reverse("enforcement:case-list"))

    heading = page.locator("main thead a", has_text="案件编号")
    with page.expect_navigation():
        heading.click()
    assert "sort=number" in page.url and "sort=-number" not in page.url
    assert case_numbers(page) == sorted(numbers)
    assert heading.get_attribute("aria-sort") == "ascending"

    with page.expect_navigation():
        page.locator("main thead a", has_text="案件编号").click()
    assert "sort=-number" in page.url
    assert case_numbers(page) == sorted(numbers, reverse=True)
    assert page.locator("main thead a", has_text="案件编号").get_attribute("aria-sort") == "descending"
    page.screenshot(path=str(SCREENSHOTS / "sorted-case-list.png"), full_page=True)

    # The page size: the choice submits itself and keeps the order.
    with page.expect_navigation():
        page.select_option("#per-page", "20")
    assert "per_page=20" in page.url and "sort=-number" in page.url
    assert page.locator("#per-page").input_value() == "20"
    assert case_numbers(page) == sorted(numbers, reverse=True)


def test_type_ahead_institution_pick_on_the_lead_form(browser, no_page_errors, cast, org):
    wanted = InstitutionFactory(jurisdiction=org.b01, name="江川市东湖区妇幼保健院")
    InstitutionFactory(jurisdiction=org.b01, name="江川市东湖区中医院")
    page = browser.as_user(cast.analyst)
    page.goto(reverse("supervision:lead-create"))
    pick(page, "id_institution", "妇幼保健")
    page.screenshot(path=str(SCREENSHOTS / "type-ahead.png"), full_page=True)
    page.select_option("#id_source", index=1)
    page.fill("#id_description", "举报称该院存在串换药品行为")
    with page.expect_navigation():
        page.click("main form[method='post'] button[type='submit']")
    lead = Lead.objects.get(description="举报称该院存在串换药品行为")
    assert lead.institution == wanted
    assert wanted.name in page.inner_text("main")
