"""Bulk steps in the browser (issue 16): the analyst dispatches several ticked leads at once (a refusal names
the lead and nothing goes; then all go), and the chief batch-approves filings from the approval queue through
the confirmation page to the per-case result."""

import pytest
from django.urls import reverse

from enforcement.cases.models import Case, CaseState
from enforcement.cases.services import case_act
from supervision.leads import services as leads_services
from supervision.leads.models import Lead
from tests.browser.conftest import SCREENSHOTS
from tests.factories import InstitutionFactory, LeadFactory

pytestmark = pytest.mark.browser


def tick(page, name, pk):
    page.check(f"input[type='checkbox'][name='{name}'][value='{pk}']")


def test_bulk_dispatch_of_ticked_leads(browser, no_page_errors, cast, org):
    names = ["江川市东湖区第一医院", "江川市东湖区第二医院", "江川市东湖区第三医院"]
    leads = [LeadFactory(institution=InstitutionFactory(jurisdiction=org.b01, name=name)) for name in names]
    page = browser.as_user(cast.analyst)
    page.goto(reverse("supervision:lead-list"))
    for lead in leads:
        tick(page, "leads", lead.pk)
    # Meanwhile a colleague dispatches one of them: the bulk step refuses it by name and sends none.
    leads_services.lead_dispatch(lead=leads[1], by=cast.b01_chief)
    with page.expect_navigation():
        page.click("#bulk-dispatch button[type='submit']")
    refusals = page.locator(".alert-danger").all_inner_texts()
    assert "未分派任何线索" in refusals[0], refusals
    assert any(names[1] in text for text in refusals) and not any(names[0] in text for text in refusals)
    page.screenshot(path=str(SCREENSHOTS / "bulk-dispatch-refused.png"), full_page=True)
    assert Lead.objects.get(pk=leads[0].pk).status == Lead.Status.NEW
    assert Lead.objects.get(pk=leads[2].pk).status == Lead.Status.NEW

    for lead in (leads[0], leads[2]):
        tick(page, "leads", lead.pk)
    with page.expect_navigation():
        page.click("#bulk-dispatch button[type='submit']")
    assert "2" in page.locator(".alert-success").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "bulk-dispatch.png"), full_page=True)
    assert set(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("status", flat=True)) == {
        Lead.Status.DISPATCHED
    }


def test_batch_approval_of_filings(browser, no_page_errors, cast, driver):
    cases = []
    for title in ("东湖人民医院串换药品案", "东湖人民医院过度检查案"):
        case = driver.open(title=title)
        case_act(case=case, action="assign_officers", by=driver.chief, data={"officers": [driver.o1.pk, driver.o2.pk]})
        cases.append(case)
    page = browser.as_user(cast.b01_chief)
    page.goto(reverse("enforcement:case-list") + "?queue=approval")
    for case in cases:
        tick(page, "ids", case.pk)
    with page.expect_navigation():
        page.click("#bulk-approve button[type='submit']")
    table = page.inner_text("#bulk-records")
    assert all(case.number in table and case.title in table for case in cases)
    page.fill("#id_comment", "同意立案")
    browser.screenshot(page, "confirm")
    with page.expect_navigation():
        page.click("main form[method='post'] button[type='submit']")
    assert page.url.endswith(reverse("enforcement:case-bulk-result"))
    result = page.inner_text("#bulk-result")
    assert all(case.number in result for case in cases) and "已批准" in result
    browser.screenshot(page, "result")
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {
        CaseState.INVESTIGATING
    }
