"""static/js/job-progress.js on its two pages: the lead import and the print batch.

The tests run tasks with the immediate backend, so an upload is finished before its page renders (the page
shows the report at once and the script has nothing to poll). To see the script poll, the polling tests
switch to django-tasks' DummyBackend, which only records the task: the page opens on a pending job, and the
test then does the worker's part while the page polls the status URL, updates its bar and reloads itself.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.documents import services as document_services
from enforcement.documents.models import PrintBatch
from supervision.leads.models import ImportBatch, Lead
from supervision.leads.tasks import lead_import_task
from tests.browser.conftest import SCREENSHOTS
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.browser

HEADER = ["institution_code", "rule_code", "description", "amount", "occurred_on", "external_id"]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def screening_csv(org) -> bytes:
    codes = [
        InstitutionFactory(jurisdiction=org.b01, code="H330101000001", name="东湖人民医院").code,
        InstitutionFactory(jurisdiction=org.b02, code="H330102000001", name="西山中医医院").code,
    ]
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(1, 4):
        writer.writerow([codes[n % 2], f"R{n:03d}", f"疑似串换药品 第{n}条", f"{n * 10}.50", day, f"EXT-{n:06d}"])
    return buffer.getvalue().encode("utf-8")


def upload(page, data: bytes):
    page.goto(reverse("supervision:leadimport-create"))
    page.set_input_files("#id_file", files=[{"name": "screening.csv", "mimeType": "text/csv", "buffer": data}])
    with page.expect_navigation():
        page.click("main form button[type='submit']")


def test_lead_import_upload_shows_the_report(browser, no_page_errors, cast, screening_csv):
    page = browser.as_user(cast.analyst)
    upload(page, screening_csv)
    batch = ImportBatch.objects.get()
    assert page.url.endswith(batch.get_absolute_url())
    assert batch.status == "done" and Lead.objects.count() == 3
    assert page.get_attribute("#import-progress", "data-finished") == "1"
    assert page.eval_on_selector("#import-progress progress", "el => el.value") == 100
    assert page.is_visible("main .alert-success")
    browser.screenshot(page, "report")


def test_lead_import_page_polls_until_the_report(browser, no_page_errors, cast, screening_csv, settings):
    settings.TASKS = DUMMY_TASKS  # the upload only queues the import
    page = browser.as_user(cast.analyst)
    upload(page, screening_csv)
    batch = ImportBatch.objects.get()
    assert batch.status == "pending" and page.get_attribute("#import-progress", "data-finished") == "0"
    browser.screenshot(page, "pending")
    # The script polls the status URL while the job is pending.
    with page.expect_response(reverse("supervision:leadimport-progress", args=[batch.pk])):
        pass

    lead_import_task.call(batch.pk, "zh-hans")  # the worker's part
    # The next poll sees the job done and reloads the page, which now shows the report.
    page.wait_for_selector("main .alert-success")
    assert page.get_attribute("#import-progress", "data-finished") == "1"
    assert page.inner_text("#import-progress [data-field='created']") == "3"
    assert page.eval_on_selector("#import-progress progress", "el => el.value") == 100
    browser.screenshot(page, "report")


@pytest.fixture
def issued_documents(cast, driver):
    """Two filing approval forms, for two B01 cases past filing."""
    documents = []
    for _ in range(2):
        case = driver.case_in("investigating")
        documents.append(document_services.document_issue(kind="filing_form", by=cast.b01_chief, case=case))
    return documents


def test_print_batch_page_polls_until_the_download(browser, no_page_errors, cast, issued_documents, settings):
    settings.TASKS = DUMMY_TASKS
    settings.DOCUMENTS = {**settings.DOCUMENTS, "batch_inline_max": 0}  # every batch goes to the worker
    page = browser.as_user(cast.b01_chief)
    page.goto(reverse("enforcement:document-list"))
    page.check("#select-all")  # static/js/document-list.js ticks every document on the page
    assert page.is_checked(f"input.doc-select[value='{issued_documents[1].pk}']")
    with page.expect_navigation():
        page.click("#print-form button[type='submit']")
    batch = PrintBatch.objects.get()
    assert not batch.is_finished and batch.total == 2
    assert page.get_attribute("#batch-progress", "data-finished") == "0"
    browser.screenshot(page, "pending")
    with page.expect_response(reverse("enforcement:printbatch-status", args=[batch.pk])):
        pass

    document_services.print_batch_build(batch=batch)  # the worker's part
    download_link = f"a[href='{reverse('enforcement:printbatch-download', args=[batch.pk])}']"
    page.wait_for_selector(download_link)
    assert page.inner_text("#batch-progress [data-field='done']") == "2"
    browser.screenshot(page, "done")
    with page.expect_download() as download_info:
        page.click(download_link)
    data = download_info.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    download_info.value.save_as(SCREENSHOTS / f"{browser.name}-batch.pdf")
