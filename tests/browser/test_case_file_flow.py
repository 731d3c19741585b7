"""The case file (issue 15) in the browser: the B01 officer investigates (two pieces of evidence, an inquiry record
issued and filed as evidence), the case goes to its decision and is executed, the chief closes it and archives a
complete file, the bound PDF and the ZIP download and verify, any write after archiving is refused, and an officer
of another branch gets 404 for every route of the case."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case
from enforcement.evidence.demo import tiny_pdf, tiny_png
from enforcement.evidence.models import Evidence
from enforcement.records.models import InvestigationRecord
from tests.browser.conftest import SCREENSHOTS
from tests.enforcement.casefile_helpers import complete_file

pytestmark = pytest.mark.browser


def submit(page, form):
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def add_evidence(page, title, kind, name, data, mime):
    """The case page's “添加证据” form (folded away until opened)."""
    form = page.locator("form[action$='/evidence/add/']")
    if not form.is_visible():
        page.locator("#evidence details > summary").first.click()
    form.locator("[name='evidence-title']").fill(title)
    form.locator("[name='evidence-kind']").select_option(kind)
    form.locator("[name='evidence-source']").fill("东湖人民医院信息科")
    form.locator("[name='evidence-collected_on']").fill(timezone.localdate().isoformat())
    form.locator("[name='evidence-file']").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    submit(page, form)


def test_investigate_decide_archive_and_verify_the_case_file(browser, no_page_errors, cast, driver):
    case = driver.case_in("investigating")

    # The officer adds two pieces of evidence on the case page.
    officer = browser.as_user(cast.b01_officer)
    officer.goto(case.get_absolute_url())
    add_evidence(officer, "门诊结算明细（2026年1月至6月）", "documentary", "settlements.pdf", tiny_pdf("settlements"),
                 "application/pdf")  # fmt: skip
    add_evidence(officer, "收费处现场照片", "audiovisual", "counter.png", tiny_png(), "image/png")
    assert Evidence.objects.filter(case=case).count() == 2
    browser.screenshot(officer, "evidence")

    # … and an inquiry record with two questions, issued and filed as evidence.
    officer.goto(reverse("enforcement:record-create", args=[case.pk, "inquiry_record"]))
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=2)
    officer.fill("#id_person_name", "王建华")
    officer.select_option("#id_person_relation", "representative")
    officer.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    officer.fill("#id_ends_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    officer.fill("#id_place", "东湖分局询问室")
    officer.fill("#id_qa-0-question", "你院心内科是否同时收取持续心电监测和动态心电图费用？")
    officer.fill("#id_qa-0-answer", "是的，收费模板把两项放在一个套餐里。")
    officer.fill("#id_qa-1-question", "以上情况从何时开始？")
    officer.fill("#id_qa-1-answer", "2025年1月起。")
    browser.screenshot(officer, "inquiry-form")
    submit(officer, officer.locator("main form[method='post']"))
    record = InvestigationRecord.objects.get(case=case)
    submit(officer, officer.locator(f"form[action='{reverse('enforcement:record-issue', args=[record.pk])}']"))
    submit(officer, officer.locator(f"form[action='{reverse('enforcement:record-attach', args=[record.pk])}']"))
    record.refresh_from_db()
    assert record.document is not None and record.evidence.sha256 == record.document.sha256
    assert Evidence.objects.filter(case=case).count() == 3

    # The case goes to its decision and is executed (services); its other documents are filed.
    case = driver.to(case, "executing")
    driver.pay_all(case)
    complete_file(Case.objects.get(pk=case.pk), cast.b01_chief)

    # The chief closes the case and archives its complete file.
    chief = browser.as_user(cast.b01_chief)
    chief.goto(reverse("enforcement:case-act", args=[case.pk, "close"]))
    submit(chief, chief.locator("main form[method='post']"))
    assert Case.objects.get(pk=case.pk).state == "closed"
    complete_file(Case.objects.get(pk=case.pk), cast.b01_chief)  # the closing form, once closed
    chief.goto(reverse("enforcement:case-file", args=[case.pk]))
    assert chief.is_visible("#complete")
    with chief.expect_navigation():
        chief.click(f"a[href='{reverse('enforcement:case-act', args=[case.pk, 'archive'])}']")
    submit(chief, chief.locator("main form[method='post']"))
    case = Case.objects.get(pk=case.pk)
    assert case.state == "archived" and case.manifest_sha256
    chief.goto(reverse("enforcement:case-file", args=[case.pk]))
    browser.screenshot(chief, "archived-file")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The bound PDF and the ZIP download; the ZIP verifies offline against its manifest.
    with chief.expect_download() as pdf_download:
        chief.click(f"a[href='{reverse('enforcement:case-file-pdf', args=[case.pk])}']")
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    with chief.expect_download() as zip_download:
        chief.click(f"a[href='{reverse('enforcement:case-file-zip', args=[case.pk])}']")
    archive = zipfile.ZipFile(zip_download.value.path())
    manifest = archive.read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == case.manifest_sha256
    for name, digest in json.loads(manifest)["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    submit(chief, chief.locator(f"form[action='{reverse('enforcement:case-file-verify', args=[case.pk])}']"))
    call_command("verify_case_file", case.number, stdout=io.StringIO())

    # Any write after archiving is refused.
    refused = officer.request.post(
        f"/api/v1/cases/{case.pk}/evidence/",
        multipart={"title": "补充", "kind": "documentary", "collected_on": timezone.localdate().isoformat(),
                   "source": "x", "file": {"name": "x.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("x")}},
        headers={"X-CSRFToken": _csrf(officer)},
    )  # fmt: skip
    assert refused.status == 409

    # Another branch's officer meets 404 on every route of the case.
    other = browser.as_user(cast.b02_officer)
    evidence = Evidence.objects.filter(case=case).first()
    urls = [
        case.get_absolute_url(),
        reverse("enforcement:case-file", args=[case.pk]),
        reverse("enforcement:case-file-pdf", args=[case.pk]),
        reverse("enforcement:case-file-zip", args=[case.pk]),
        reverse("enforcement:case-evidence-download", args=[case.pk, evidence.pk]),
        reverse("enforcement:record-detail", args=[record.pk]),
        f"/api/v1/cases/{case.pk}/file/",
        f"/api/v1/cases/{case.pk}/evidence/",
    ]
    assert {url: other.request.get(url).status for url in urls} == dict.fromkeys(urls, 404)


def _csrf(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
