"""A social supervisor submits a report in the browser, through their own portal (issue 6:
supervision:my-reports, my-report-create, my-report-detail), with a photo attached, and finds it on their list."""

import base64

import pytest
from django.urls import reverse

from supervision.reports import services as reports_services
from supervision.reports.models import Report
from tests.browser.conftest import pick

pytestmark = pytest.mark.browser

# A 1×1 PNG: the attachment's content does not matter, its upload through the browser does.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def supervisor(cast, org):
    reports_services.supervisor_appoint(user=cast.supervisor, unit=org.city, by=None, contact_officer=cast.enf_officer)
    return cast.supervisor


def test_supervisor_submits_a_report(browser, no_page_errors, supervisor, b01_institution):
    page = browser.as_user(supervisor)
    page.goto(reverse("supervision:my-reports"))
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('supervision:my-report-create')}']")
    # The institution is searched as the supervisor types (the public register has 10,000 entries).
    pick(page, "id_institution", b01_institution.name)
    page.fill("#id_summary", "东湖人民医院挂床住院")
    page.fill("#id_details", "2026年10月多名病人白天不在病房，夜间也未回院，疑似挂床住院骗取医保基金。")
    page.set_input_files("#id_attachments", files=[{"name": "病房照片.png", "mimeType": "image/png", "buffer": PNG}])
    browser.screenshot(page, "form")
    with page.expect_navigation():
        page.click("main form button[type='submit']")

    report = Report.objects.get()
    assert report.submitted_by == supervisor and report.institution == b01_institution
    assert report.attachments.count() == 1
    assert page.url.endswith(reverse("supervision:my-report-detail", args=[report.pk]))
    assert "东湖人民医院挂床住院" in page.inner_text("main h1")
    assert page.is_visible(".alert-success")
    browser.screenshot(page, "submitted")

    page.goto(reverse("supervision:my-reports"))
    assert "东湖人民医院挂床住院" in page.inner_text("main")
    browser.screenshot(page, "list")
