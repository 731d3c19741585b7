"""A case from a confirmed lead to its decision PDF, in the browser: the officer opens the case from the lead's
follow-up, the chief approves filing, the case is taken to "deciding" through the services (CaseDriver), the
chief decides and issues the decision, and the PDF downloads with the case's number in it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.cases import gates
from enforcement.cases.models import Case
from supervision.leads import services as leads_services
from tests.browser.conftest import SCREENSHOTS
from tests.enforcement.document_helpers import pdf_text
from tests.factories import LeadFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def confirmed_lead(cast, driver, b01_institution):
    lead = LeadFactory(
        institution=b01_institution, amount=Decimal("8800"), received_on=driver.dates.lead, description="串换药品"
    )
    leads_services.lead_dispatch(lead=lead, by=cast.analyst, on=driver.dates.lead)
    leads_services.lead_start_verification(lead=lead, by=cast.b01_officer, on=driver.dates.lead)
    return leads_services.lead_confirm(lead=lead, by=cast.b01_chief, note="属实", on=driver.dates.lead)


def click_action(page, case, action):
    """Follow the action's button on the case page (it exists only when the user may take it now)."""
    with page.expect_navigation():
        page.click(f"a[href='{reverse('enforcement:case-act', args=[case.pk, action])}']")


def submit(page):
    with page.expect_navigation():
        page.click("main form[method='post'] button[type='submit']")


def test_lead_to_decision_pdf(browser, no_page_errors, cast, driver, confirmed_lead):
    # The officer follows the confirmed lead up with a case.
    officer = browser.as_user(cast.b01_officer)
    officer.goto(confirmed_lead.get_absolute_url())
    follow_up = reverse("enforcement:lead-open-case", args=[confirmed_lead.pk])
    with officer.expect_navigation():
        officer.click(f"a[href='{follow_up}']")
    officer.select_option("#id_violation_codes", "OVER_TREATMENT")
    browser.screenshot(officer, "open-case-form")
    submit(officer)
    case = Case.objects.get(lead=confirmed_lead)
    assert officer.url.endswith(case.get_absolute_url())
    assert case.state == "filing" and case.number in officer.inner_text("main")

    # The chief approves filing with two officers.
    chief = browser.as_user(cast.b01_chief)
    chief.goto(case.get_absolute_url())
    click_action(chief, case, "approve_filing")
    chief.check(f"input[name='officers'][value='{driver.o1.pk}']")
    chief.check(f"input[name='officers'][value='{driver.o2.pk}']")
    chief.select_option("#id_lead_officer", str(driver.o1.pk))
    chief.fill("#id_filed_on", driver.dates.filed.isoformat())
    chief.fill("#id_comment", "同意立案")
    browser.screenshot(chief, "approve-filing")
    submit(chief)
    case.refresh_from_db()
    assert case.state == "investigating" and case.filed_on == driver.dates.filed

    # Investigation, report, notice and the party's window go through the services.
    case = driver.to(case, "deciding")
    assert not gates.evaluate(case)["collective"].applies  # so the chief decides

    chief.goto(case.get_absolute_url())
    click_action(chief, case, "decide")
    chief.fill("#id_decided_on", driver.dates.decided.isoformat())
    chief.fill("#id_comment", "同意作出决定")
    submit(chief)
    case.refresh_from_db()
    assert case.state == "decided"
    browser.screenshot(chief, "decided")

    # The page prompts for the decision; issuing it lists the document with its download.
    with chief.expect_navigation():
        chief.click("#issue-decision")
    assert case.documents.exists(), chief.inner_text("main .alert")
    document = case.documents.get()
    assert document.number in chief.inner_text("#documents")
    with chief.expect_download() as download_info:
        chief.click(f"#documents a[href='{document.download_url}']")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF-")
    assert case.number in pdf_text(data)
    download.save_as(SCREENSHOTS / f"{browser.name}-{case.number}.pdf")
    browser.screenshot(chief, "decision-issued")
