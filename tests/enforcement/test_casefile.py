"""The case file (卷宗, issue 15): its items in file order, the manifest and its offline verification, the bound PDF,
completeness per procedure path before closing and archiving, archiving by the chief, the frozen archived case,
``verify_case_file``, and scope on every route."""

import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from enforcement.casefile import selectors, services
from enforcement.cases.services import InvalidState
from enforcement.documents.models import DocumentKind
from enforcement.documents.services import document_issue
from enforcement.recoveries import services as recovery_services
from portal import pdf
from supervision.org.models import AuditEvent
from tests.enforcement.casefile_helpers import add_document, add_evidence, complete_file

K = DocumentKind
API = "/api/v1/cases/"
needs_fonts = pytest.mark.skipif(pdf.font_problem() is not None, reason="no CJK font / PDF libraries")
# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301"
    "0100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def all_kinds(monkeypatch):
    """Every kind counts as producible, as once every template of the case file exists (docset, records)."""
    monkeypatch.setattr(selectors, "producible_kinds", lambda: frozenset(K.values))


def executing_case(driver):
    driver.fill_file = False
    return driver.case_in("executing")


def _close(driver):
    case = executing_case(driver)
    complete_file(case, driver.o1)
    return driver.act(driver.pay_all(case), "close")


# --- Items and their order ----------------------------------------------------------------------------------------


def test_items_follow_the_order_of_a_bound_file(driver, api_for, cast):
    case = executing_case(driver)
    # Written out of order: the file puts them in the order of a paper file whatever the order of issue.
    add_document(case, K.SERVICE_RECEIPT, by=driver.o1)
    add_document(case, K.PENALTY_DECISION, by=driver.o1, pages=3)
    add_evidence(case, driver.o1, title="询问当事人视频", kind="audiovisual", data=b"video bytes", name="clip.mp4")
    add_document(case, K.PRIOR_NOTICE, by=driver.o1, pages=2)
    add_document(case, K.HEARING_RECORD, by=driver.o1)
    add_document(case, K.INVESTIGATION_REPORT, by=driver.o1)
    add_document(case, K.LEGAL_REVIEW_OPINION, by=driver.o1)
    add_document(case, K.CLOSING_FORM, by=driver.o1)
    add_document(case, K.FILING_FORM, by=driver.o1)
    add_document(case, K.INQUIRY_RECORD, by=driver.o1)
    add_evidence(case, driver.o1, title="结算清单")

    response = api_for(cast.b01_officer).get(f"{API}{case.pk}/file/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) >= {"case", "archived_at", "items", "manifest_sha256"}
    assert body["case"] == case.pk and body["archived_at"] is None
    items = body["items"]
    assert all(set(item) == {"seq", "kind", "title", "number", "date", "pages", "sha256", "url"} for item in items)
    assert [item["seq"] for item in items] == list(range(1, 12))
    assert [item["kind"] for item in items] == [
        "立案审批表", "询问笔录", "视听资料", "书证", "案件调查终结报告", "重大执法决定法制审核意见书",
        "行政处罚事先告知书", "听证笔录", "行政处罚决定书", "送达回证", "结案审批表",
    ]  # fmt: skip
    assert [item["pages"] for item in items] == [1, 1, 1, 1, 1, 1, 2, 1, 3, 1, 1]
    decision = items[8]
    assert decision["number"] and decision["date"] == str(case.documents.get(kind=K.PENALTY_DECISION).issued_at.date())
    # The url gives the bytes unchanged (the evidence item's too).
    client = api_for(cast.b01_officer)
    for item in (decision, items[2]):
        data = b"".join(client.get(item["url"]).streaming_content)
        assert hashlib.sha256(data).hexdigest() == item["sha256"]


def test_superseded_versions_are_not_in_the_file(driver):
    case = executing_case(driver)
    old = add_document(case, K.PRIOR_NOTICE, by=driver.o1)
    new = add_document(case, K.PRIOR_NOTICE, by=driver.o1, number=old.number, version=2, supersedes=old)
    type(old).objects.filter(pk=old.pk).update(superseded_at=new.issued_at)
    assert [i.source for i in selectors.file_items(case) if i.is_document] == [new]


# --- The manifest and the ZIP -------------------------------------------------------------------------------------


def test_zip_is_deterministic_and_verifiable_offline(driver, api_for, cast):
    case = executing_case(driver)
    complete_file(case, driver.o1)
    add_evidence(case, driver.o1, title="现场照片", kind="physical", data=PNG, name="photo.png")
    client = api_for(cast.b01_chief)
    first = client.get(f"{API}{case.pk}/file.zip")
    second = client.get(f"{API}{case.pk}/file.zip")
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    assert first.content == second.content  # same file, same bytes

    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        raw = archive.read("manifest.json")
        manifest = json.loads(raw)
        names = [n for n in archive.namelist() if n != "manifest.json"]
        assert sorted(manifest) == ["files"] and sorted(manifest["files"]) == sorted(names)
        for name in names:  # offline: every file's bytes hash to the manifest's entry
            assert hashlib.sha256(archive.read(name)).hexdigest() == manifest["files"][name]
    assert names[0].startswith("01-立案审批表-") and names[0].endswith(".pdf")
    assert any(name.endswith("-物证-现场照片.png") for name in names)
    body = client.get(f"{API}{case.pk}/file/").json()
    assert body["manifest_sha256"] == hashlib.sha256(raw).hexdigest() == selectors.manifest_sha256(case)
    assert raw == json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2).encode() + b"\n"


def test_downloads_are_audited(driver, api_for, cast):
    case = executing_case(driver)
    complete_file(case, driver.o1)
    api_for(cast.b01_chief).get(f"{API}{case.pk}/file.zip")
    rows = AuditEvent.objects.filter(verb="download", object_id=str(case.pk), actor=cast.b01_chief)
    assert [row.after["what"] for row in rows] == ["file.zip"]


def test_evidence_items_link_to_the_evidence_download_which_is_audited(driver, client_for, api_for, cast):
    """The file has no evidence route of its own (issue 16): its items link to the evidence feature's download,
    and following the link leaves the evidence feature's audit row."""
    case = executing_case(driver)
    add_evidence(case, driver.o1)
    evidence = next(i for i in selectors.file_items(case) if not i.is_document)
    page_url = reverse("enforcement:case-evidence-download", args=[case.pk, evidence.source.pk])
    assert evidence.url == page_url
    assert page_url in client_for(cast.b01_chief).get(reverse("enforcement:case-file", args=[case.pk])).content.decode()
    api = api_for(cast.b01_chief)
    listed = {item["url"] for item in api.get(f"{API}{case.pk}/file/").json()["items"]}
    api_url = reverse("case-evidence-file", args=[case.pk, evidence.source.pk])
    assert any(url.endswith(api_url) for url in listed)
    assert client_for(cast.b01_chief).get(page_url).status_code == 200
    assert api.get(api_url).status_code == 200
    rows = AuditEvent.objects.filter(verb="download", object_id=str(evidence.source.pk), actor=cast.b01_chief)
    assert rows.count() == 2 and all(row.after["sha256"] == evidence.sha256 for row in rows)


# --- The bound PDF ------------------------------------------------------------------------------------------------


@needs_fonts
def test_bound_pdf_has_cover_catalogue_items_and_remarks(driver, client_for, cast):
    case = executing_case(driver)
    add_document(case, K.FILING_FORM, by=driver.o1, pages=2)
    add_evidence(case, driver.o1, title="结算清单", pages=3)
    add_evidence(case, driver.o1, title="现场照片", kind="physical", data=PNG, name="photo.png")
    add_evidence(case, driver.o1, title="询问录音", kind="audiovisual", data=b"audio", name="voice.m4a")
    add_document(case, K.PRIOR_NOTICE, by=driver.o1)
    response = client_for(cast.b01_officer).get(reverse("enforcement:case-file-pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    item_pages = 2 + 3 + 1 + 1 + 1
    assert len(reader.pages) == 1 + 1 + item_pages + 1  # cover, 卷内目录, the items, 备考表
    text = [page.extract_text().replace(" ", "") for page in reader.pages]
    assert "卷宗" in text[0] and case.number in text[0] and f"本卷共5件{item_pages}页" in text[0]
    assert "卷内目录" in text[1] and "3–5" in text[1]  # the settlement list takes pages 3 to 5
    assert (
        "voice" in text[8]
        and ".m4a" in text[8]
        and hashlib.sha256(b"audio").hexdigest()[:16] in text[8].replace("\n", "")
    )
    assert "备考表" in text[-1] and "立卷人" in text[-1]


# --- Completeness -------------------------------------------------------------------------------------------------


def test_hearing_path_lists_the_missing_hearing_record(driver, all_kinds):
    driver.fill_file = False
    case = driver.case_in("deciding", hearing=True)
    assert case.hearing_held_on is not None
    add_document(case, K.HEARING_NOTICE, by=driver.o1)
    add_document(case, K.HEARING_REPORT, by=driver.o1)
    with translation.override("zh-hans"):
        missing = selectors.missing_items(case)
    assert "缺少听证笔录" in missing
    assert "缺少听证通知书" not in missing and "缺少听证报告" not in missing
    assert {"缺少立案审批表", "缺少证据材料", "缺少重大执法决定法制审核意见书"} <= set(missing)


@pytest.mark.parametrize(
    ("path", "expected", "absent"),
    [
        ("penalty", {K.FILING_FORM, "evidence", K.INVESTIGATION_REPORT, K.PRIOR_NOTICE, K.PENALTY_DECISION,
                     K.SERVICE_RECEIPT, K.DECISION_APPROVAL_FORM, K.LEGAL_REVIEW_OPINION},
         {K.NO_PENALTY_DECISION, K.HEARING_RECORD, K.CLOSING_FORM, K.CRIMINAL_TRANSFER}),
        ("no_penalty", {K.FILING_FORM, K.NO_PENALTY_DECISION, K.DECISION_APPROVAL_FORM},
         {K.PENALTY_DECISION, K.PRIOR_NOTICE, K.HEARING_RECORD}),
        ("investigating", {K.FILING_FORM, "evidence"}, {K.PENALTY_DECISION, K.DECISION_APPROVAL_FORM}),
    ],
)  # fmt: skip
def test_completeness_per_path(driver, all_kinds, path, expected, absent):
    driver.fill_file = False
    if path == "penalty":
        case = driver.case_in("executing", hearing=False)
    elif path == "no_penalty":
        case = driver.case_in("decided", outcome="no_penalty")
    else:
        case = driver.case_in("investigating")
    kinds = set(selectors.missing_kinds(case))
    assert expected <= kinds and not (absent & kinds), kinds


def test_collective_discussion_and_police_transfer_need_their_documents(driver, all_kinds):
    driver.fill_file = False
    case = driver.case_in("deciding")
    driver.act(case, "record_discussion")
    driver.act(case, "decide_police_transfer")
    kinds = set(selectors.missing_kinds(case))
    assert {K.COLLECTIVE_DISCUSSION_RECORD, K.CRIMINAL_TRANSFER} <= kinds


def test_a_kind_without_a_template_is_not_required(driver, monkeypatch):
    """A rule never asks for a document the portal cannot produce (its template is not there yet)."""
    monkeypatch.setattr(selectors, "producible_kinds", lambda: frozenset({K.FILING_FORM}))
    driver.fill_file = False
    case = driver.case_in("deciding", hearing=True)
    assert selectors.missing_kinds(case) == [K.FILING_FORM, "evidence"]


def test_close_is_refused_with_the_missing_items(driver, api_for, cast):
    case = driver.pay_all(executing_case(driver))
    with pytest.raises(ValidationError) as refused:
        driver.act(case, "close")
    assert "file" in refused.value.message_dict
    response = api_for(cast.b01_chief).post(f"{API}{case.pk}/actions/", {"action": "close", "basis": "settled"},
                                            format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["file"], response.json()
    complete_file(case, driver.o1)
    assert driver.act(case, "close").state == "closed"


# --- Archiving ----------------------------------------------------------------------------------------------------


def test_archive_by_the_chief_records_the_manifest(driver, api_for, cast):
    case = _close(driver)
    officer = api_for(cast.b01_officer)
    assert officer.post(f"{API}{case.pk}/actions/", {"action": "archive"}, format="json").status_code == 403
    response = api_for(cast.b01_chief).post(f"{API}{case.pk}/actions/", {"action": "archive", "comment": "归档"},
                                            format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["state"] == "archived"
    case.refresh_from_db()
    assert case.archived_at is not None
    assert case.manifest_sha256 == selectors.manifest_sha256(case)
    row = AuditEvent.objects.filter(verb="archive", object_id=str(case.pk)).get()
    assert row.after["manifest_sha256"] == case.manifest_sha256
    body = officer.get(f"{API}{case.pk}/file/").json()
    assert body["manifest_sha256"] == case.manifest_sha256 and body["archived_at"]


def test_closing_needs_the_closing_approval_form(driver, api_for, cast, all_kinds):
    """The 结案审批表 approves the closing: asked before ``close``, then the file is complete for archiving."""
    driver.fill_file = False
    case = driver.pay_all(driver.case_in("executing"))
    for kind in selectors.missing_kinds(case):
        if kind == selectors.EVIDENCE:
            add_evidence(case, driver.o1)
        else:
            add_document(case, kind, by=driver.o1)
    chief = api_for(cast.b01_chief)
    response = chief.post(f"{API}{case.pk}/actions/", {"action": "close", "basis": "settled"}, format="json")
    assert response.status_code == 400 and "file" in response.json(), response.json()
    with translation.override("zh-hans"):
        assert selectors.missing_items(case, closing=True) == ["缺少结案审批表"]
    add_document(case, K.CLOSING_FORM, by=driver.o1)
    case = driver.act(case, "close")
    assert driver.act(case, "archive").state == "archived"


def test_writes_after_archiving_are_409(driver, api_for, cast):
    case = driver.act(_close(driver), "archive")
    chief = api_for(cast.b01_chief)
    # Documents: issue or re-issue.
    with pytest.raises(InvalidState):
        document_issue(kind=K.SERVICE_RECEIPT, by=cast.b01_chief, case=case)
    response = chief.post(f"{API}{case.pk}/documents/", {"kind": "service_receipt", "reason": "更正"}, format="json")
    assert response.status_code == 409
    # Procedure actions (payments among them).
    for action, body in (("record_payment", {"kind": "fine", "amount": "1"}), ("close", {}), ("archive", {})):
        response = chief.post(f"{API}{case.pk}/actions/", {"action": action, **body}, format="json")
        assert response.status_code in (403, 409), (action, response.status_code)
    response = api_for(cast.b01_officer).post(f"{API}{case.pk}/actions/",
                                              {"action": "record_payment", "kind": "fine", "amount": "1"},
                                              format="json")  # fmt: skip
    assert response.status_code == 409
    # The recovery ledger's entries of the case.
    obligation = case.ledger_entries.filter(entry="obligation").first()
    with pytest.raises(InvalidState):
        recovery_services.recovery_obligation_record(route="fine", amount=Decimal("1"), on=case.closed_on,
                                                     by=cast.b01_chief, case=case)  # fmt: skip
    if obligation is not None:
        with pytest.raises(InvalidState):
            recovery_services.recovery_settle(obligation=obligation, entry="cancellation", amount=Decimal("1"),
                                              on=case.closed_on, by=cast.b01_chief)  # fmt: skip


def test_an_officer_may_not_archive_even_when_assigned(driver):
    case = _close(driver)
    with pytest.raises(PermissionDenied):
        driver.act(case, "archive", by=driver.o1)


# --- Verification -------------------------------------------------------------------------------------------------


def test_verify_passes_then_reports_a_tampered_file(driver, client_for, cast, capsys):
    case = driver.act(_close(driver), "archive")
    call_command("verify_case_file", case.number)
    assert "match" in capsys.readouterr().out
    page = client_for(cast.b01_officer).post(reverse("enforcement:case-file-verify", args=[case.pk]))
    assert page.status_code == 200 and page.context["verification"].ok

    item = next(i for i in selectors.file_items(case) if not i.is_document)
    with default_storage.open(item.source.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered after archiving")
    with pytest.raises(CommandError):
        call_command("verify_case_file", case.number)
    err = capsys.readouterr().err
    assert f"Item {item.seq} ({item.name})" in err or item.name in err
    result = services.verify_file(case)
    assert not result.ok and any(item.name in problem for problem in result.problems)
    page = client_for(cast.b01_officer).post(reverse("enforcement:case-file-verify", args=[case.pk]))
    assert not page.context["verification"].ok
    assert AuditEvent.objects.filter(verb="verify_case_file", object_id=str(case.pk)).count() == 2


def test_verify_fails_on_a_case_that_is_not_archived(driver):
    case = _close(driver)
    with pytest.raises(CommandError):
        call_command("verify_case_file", case.number)
    with pytest.raises(CommandError):
        call_command("verify_case_file", "NO-SUCH-CASE")


# --- Pages and scope ----------------------------------------------------------------------------------------------


def test_file_page_lists_items_and_what_is_missing(driver, client_for, cast):
    case = executing_case(driver)
    add_document(case, K.FILING_FORM, by=driver.o1)
    page = client_for(cast.b01_officer).get(reverse("enforcement:case-file", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "立案审批表" in html and 'id="missing"' in html
    detail = client_for(cast.b01_officer).get(case.get_absolute_url()).content.decode()
    assert reverse("enforcement:case-file", args=[case.pk]) in detail


def test_another_branch_officer_gets_404_on_every_route(driver, client_for, api_for, cast):
    case = driver.act(_close(driver), "archive")
    evidence = next(i.source for i in selectors.file_items(case) if not i.is_document)
    client, api = client_for(cast.b02_officer), api_for(cast.b02_officer)
    for name in ("case-file", "case-file-pdf", "case-file-zip"):
        assert client.get(reverse(f"enforcement:{name}", args=[case.pk])).status_code == 404, name
        assert api.get(reverse(name, args=[case.pk])).status_code == 404, name
    assert client.get(reverse("enforcement:case-evidence-download", args=[case.pk, evidence.pk])).status_code == 404
    assert api.get(reverse("case-evidence-file", args=[case.pk, evidence.pk])).status_code == 404
    assert client.post(reverse("enforcement:case-file-verify", args=[case.pk])).status_code == 404
