"""Issuing documents: the PDF (its text and its only font), the decision's required contents (law-reference §1.4),
hashes, corrections as versions, who may issue what when, and failures that leave nothing behind."""

import hashlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import demo
from enforcement.cases.models import CaseEvent
from enforcement.cases.services import InvalidState
from enforcement.documents import services as document_services
from enforcement.documents.models import Document, PrintBatch
from enforcement.documents.services import document_issue, print_batch_create
from enforcement.evidence.models import Evidence
from portal import audit, pdf
from portal.numerals import cn_date, rmb_upper
from supervision.org.models import AuditEvent, User
from tests.enforcement.conftest import certified_user
from tests.enforcement.document_helpers import FONT_KEY, html_fields, normalised, pdf_font_names, pdf_reader, pdf_text
from tests.factories import AgreementActionFactory

D = Decimal


@pytest.fixture
def decided(driver):
    """A B01 penalty case decided by the chief after a hearing, with one piece of evidence on record."""
    case = driver.case_in("investigating")
    Evidence.objects.create(
        case=case, kind="documentary", title="门诊处方及医保结算明细", source="东湖人民医院信息系统",
        collected_on=driver.dates.filed, collected_by=driver.o1,
    )  # fmt: skip
    return driver.to(case, "decided")


def issue(case, kind="penalty_decision", by=None, **kwargs):
    """Issue as the B01 chief unless told otherwise."""
    return document_issue(kind=kind, by=by or User.objects.get(username="b01_chief"), case=case, **kwargs)


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


# --- The PDF ---------------------------------------------------------------------------------------------


def test_decision_pdf_text_has_the_chinese_title_and_the_number(decided):
    document = issue(decided)
    text = pdf_text(read(document))
    assert "行政处罚决定书" in text
    assert document.number in text
    assert document.number.startswith("东医保罚〔")


def test_decision_pdf_embeds_only_the_intended_cjk_font(decided):
    names = pdf_font_names(read(issue(decided)))
    assert names, "no font found in the PDF"
    fallback = [name for name in names if FONT_KEY not in normalised(name)]
    assert not fallback, f"fonts other than {pdf.FONT_FAMILY}: {fallback}"


def test_decision_pdf_is_a4_with_page_numbers(decided):
    data = read(issue(decided))
    reader = pdf_reader(data)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    pages = len(reader.pages)
    assert f"第1页/共{pages}页" in pdf_text(data)


def test_sha256_and_size_match_the_stored_file(decided):
    document = issue(decided)
    data = read(document)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(data) == document.size
    assert data.startswith(b"%PDF")


# --- The decision's contents (law-reference §1.4) -----------------------------------------------------------


def test_decision_carries_every_field_of_law_reference_1_4(decided, b01_institution):
    document = issue(decided)
    fields = html_fields(document.html)
    docs = settings.DOCUMENTS
    # 1. Party's name and address; for organisations the credit code and legal representative.
    assert b01_institution.name in fields["party"]
    assert b01_institution.address in fields["party"]
    assert b01_institution.credit_code in fields["credit-code"]
    assert b01_institution.legal_representative in fields["legal-representative"]
    # 2. Facts and evidence.
    assert "违规事实清楚" in fields["facts"]
    assert "门诊处方及医保结算明细" in fields["evidence"]
    # 3. Type of penalty and its legal basis, the amounts in figures and in capitals.
    assert "第三十八条第（二）项" in fields["basis"]
    assert "《医疗保障基金使用监督管理条例》第三十八条" in fields["basis"]
    items = fields["penalty-items"]
    assert "责令退回医保基金" in items and "罚款" in items
    assert "100,000.00" in items and rmb_upper(D("100000")) in items
    assert "200,000.00" in items and "贰拾万元整" in items
    # How the statement and the hearing went.
    assert "听证" in fields["statement"] and "陈述、申辩" in fields["statement"]
    # 4. Manner and deadline of performance, the accounts, the 3 % surcharge.
    assert "十五日内" in fields["payment"]
    assert docs["fund_account_name"] in fields["payment"]
    assert docs["fund_account_no"].replace(" ", "") in fields["payment"]
    assert "百分之三" in fields["surcharge"] and "不超出罚款的数额" in fields["surcharge"]
    # 5. Reconsideration and litigation: where and within how long (configurable).
    assert "六十日内" in fields["remedies"] and docs["reconsideration_body"] in fields["remedies"]
    assert "六个月内" in fields["remedies"] and "行政诉讼" in fields["remedies"]
    # 6. The deciding authority and the decision date; 7. the seal; and the number.
    assert fields["deciding-authority"] == decided.jurisdiction.name
    assert fields["date"] == cn_date(decided.decided_on)
    assert decided.jurisdiction.name in fields["seal"] and "（印章）" in fields["seal"]
    assert fields["number"] == document.number
    assert fields["title"] == "行政处罚决定书"


def test_the_remedy_periods_are_configurable(decided, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "reconsideration_days": 90, "reconsideration_body": "江川市人民政府"}
    fields = html_fields(issue(decided).html)
    assert "九十日内向江川市人民政府申请行政复议" in fields["remedies"]


def test_a_person_is_named_without_credit_code(driver, rules):
    items = [
        {"kind": "return_funds", "rule": rules["R41b"], "amount": D("2000")},
        {"kind": "fine", "rule": rules["R41b"], "amount": D("4000"), "basis_amount": D("2000")},
    ]
    case = driver.to(driver.open_person(), "decided", items=items)
    fields = html_fields(issue(case).html)
    assert "李四" in fields["party"]
    assert "credit-code" not in fields
    assert "违法违规金额2,000.00元的2倍" in fields["penalty-items"]


# --- Versions ------------------------------------------------------------------------------------------------


def test_reissue_keeps_both_versions_and_the_number(decided, cast):
    first = issue(decided)
    second = issue(decided, reason="当事人地址有误，予以更正")
    first.refresh_from_db()
    assert (second.number, second.version, second.supersedes_id) == (first.number, 2, first.pk)
    assert first.is_superseded and not second.is_superseded
    assert default_storage.exists(first.file.name) and default_storage.exists(second.file.name)
    assert first.file.name != second.file.name
    assert Document.objects.filter(number=first.number).count() == 2
    events = CaseEvent.objects.filter(case=decided, action="issue_document").order_by("pk")
    assert [e.payload["version"] for e in events] == [1, 2]
    assert events.last().comment == "当事人地址有误，予以更正"


def test_a_correction_needs_its_reason(decided):
    issue(decided)
    with pytest.raises(ValidationError) as info:
        issue(decided)
    assert "reason" in info.value.message_dict
    assert Document.objects.filter(case=decided).count() == 1


def test_issue_writes_the_timeline_event_and_the_audit_row(decided, cast):
    document = issue(decided)
    event = CaseEvent.objects.get(case=decided, action="issue_document")
    assert event.payload == {
        "kind": "penalty_decision", "number": document.number, "version": 1, "sha256": document.sha256,
    }  # fmt: skip
    assert event.from_state == event.to_state == "decided"
    assert event.actor == cast.b01_chief
    row = AuditEvent.objects.for_object(document).get()
    assert row.verb == "issue_document" and row.actor == cast.b01_chief
    assert row.after["sha256"] == document.sha256 and row.after["number"] == document.number


def test_deciding_does_not_issue_the_decision(decided):
    assert not Document.objects.filter(case=decided).exists()


# --- When -------------------------------------------------------------------------------------------------------


def test_the_decision_waits_for_the_decision(driver):
    case = driver.case_in("deciding")
    with pytest.raises(InvalidState):
        issue(case)


def test_the_decision_kind_follows_the_outcome(decided, driver):
    with pytest.raises(InvalidState):
        issue(decided, kind="no_penalty_decision")
    no_penalty = driver.case_in("decided", outcome="no_penalty")
    with pytest.raises(InvalidState):
        issue(no_penalty, kind="penalty_decision")
    document = issue(no_penalty, kind="no_penalty_decision")
    fields = html_fields(document.html)
    assert fields["title"] == "不予行政处罚决定书"
    assert "第三十三条" in fields["basis"]
    assert "六十日内" in fields["remedies"]


def test_prior_notice_while_notifying_or_notified(driver):
    case = driver.case_in("notifying")
    document = issue(case, kind="prior_notice", by=driver.o1)
    fields = html_fields(document.html)
    assert fields["title"] == "行政处罚事先告知书" and "告" in document.number
    assert "陈述和申辩" in fields["rights"] and "听证" in fields["rights"]  # 100,000 fine: a hearing right
    assert "五个工作日内" in fields["rights"]
    notified = driver.to(case, "notified")
    assert (
        cn_date(notified.hearing_request_due)
        in html_fields(issue(notified, kind="prior_notice", by=driver.o1, reason="告知期限更正").html)["rights"]
    )
    decided = driver.to(notified, "decided")
    with pytest.raises(InvalidState):
        issue(decided, kind="prior_notice", reason="x")


def test_the_decision_names_the_prior_notice_issued(driver):
    case = driver.case_in("notifying")
    notice = issue(case, kind="prior_notice", by=driver.o1)
    case = driver.to(case, "decided")
    assert notice.number in html_fields(issue(case).html)["statement"]


def test_service_receipt_after_the_decision_is_issued(decided):
    with pytest.raises(InvalidState):
        issue(decided, kind="service_receipt")
    decision = issue(decided)
    receipt = issue(decided, kind="service_receipt")
    fields = html_fields(receipt.html)
    assert fields["served-document"] == "行政处罚决定书"
    assert fields["served-number"] == decision.number
    assert decided.party_display in fields["recipient"]
    assert "送" in receipt.number


def test_filing_form_after_the_filing_is_approved(driver):
    case = driver.open()
    with pytest.raises(InvalidState):
        issue(case, kind="filing_form")
    case = driver.to(case, "investigating")
    document = issue(case, kind="filing_form")
    fields = html_fields(document.html)
    assert fields["title"] == "立案审批表" and "立" in document.number
    assert "同意立案" in fields["approval"]  # the chief's comment
    assert cn_date(case.filed_on) in fields["filed-on"]
    assert "过度诊疗" in fields["violations"]


def test_agreement_notice_for_an_approved_measure(cast, b01_agreement):
    measure = AgreementActionFactory(agreement=b01_agreement, kind="recover", amount=D("26800"))
    with pytest.raises(InvalidState):
        document_issue(kind="agreement_notice", by=cast.b01_chief, action=measure)
    AgreementAction.objects.filter(pk=measure.pk).update(state="approved")
    measure.refresh_from_db()
    document = document_issue(kind="agreement_notice", by=cast.b01_fund, action=measure)
    fields = html_fields(document.html)
    assert fields["title"] == "协议处理通知书" and "协" in document.number
    assert "追回" in fields["measure"] and "贰万陆仟捌佰元整" in fields["measure"]
    assert b01_agreement.number in fields["basis"]
    assert document.agreement_action_id == measure.pk and document.case_id is None


def test_kinds_belong_to_their_records(decided, cast, b01_agreement):
    with pytest.raises(ValidationError):
        issue(decided, kind="agreement_notice")
    with pytest.raises(ValidationError):
        issue(decided, kind="no_such_kind")
    measure = AgreementActionFactory(agreement=b01_agreement, state="approved")
    with pytest.raises(ValidationError):
        document_issue(kind="penalty_decision", by=cast.b01_chief, action=measure)


# --- Who --------------------------------------------------------------------------------------------------------


def test_the_assigned_officer_and_the_chief_issue(decided, driver, cast):
    assert issue(decided, by=driver.o1).issued_by == driver.o1
    assert issue(decided, by=cast.b01_chief, reason="更正").issued_by == cast.b01_chief


@pytest.mark.parametrize("username", ["b01_fund", "auditor", "legal", "b02_chief", "b02_officer", "analyst"])
def test_others_may_not_issue(decided, cast, username):
    with pytest.raises(PermissionDenied):
        issue(decided, by=cast[username])
    assert not Document.objects.exists()


def test_an_officer_not_assigned_may_not_issue(decided, org):
    stranger = certified_user("b01_officer9", [("officer", org.b01)], "CERT-B01-0009")
    with pytest.raises(PermissionDenied):
        issue(decided, by=stranger)


def test_role_comes_before_state(driver, cast):
    case = driver.case_in("investigating")
    with pytest.raises(PermissionDenied):
        issue(case, by=cast.auditor)


# --- Failures leave nothing behind -------------------------------------------------------------------------------


@pytest.fixture
def own_media(settings, tmp_path):
    """A media directory of the test's own (the suite's workers share the default one)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root):
    return set(root.rglob("*.pdf"))


def test_a_failed_render_leaves_no_record_no_file_and_no_gap(decided, monkeypatch, own_media):
    def broken(html):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    before = _files(own_media)
    with pytest.raises(RuntimeError):
        issue(decided)
    monkeypatch.undo()
    assert not Document.objects.exists() and _files(own_media) == before
    assert issue(decided).sequence == 1


def test_a_failure_after_the_file_is_written_removes_the_file(decided, monkeypatch, own_media):
    real = audit.record

    def failing(**kwargs):
        if kwargs.get("verb") == "issue_document":
            raise RuntimeError("audit down")
        return real(**kwargs)

    monkeypatch.setattr(document_services.audit, "record", failing)
    deleted = []
    real_delete = document_services.default_storage.delete
    monkeypatch.setattr(
        document_services.default_storage, "delete", lambda name: deleted.append(name) or real_delete(name)
    )
    before = _files(own_media)
    with pytest.raises(RuntimeError):
        issue(decided)
    assert len(deleted) == 1 and deleted[0].endswith(".pdf")  # it had been written
    assert not Document.objects.exists()
    assert not CaseEvent.objects.filter(action="issue_document").exists()
    assert _files(own_media) == before
    assert not _files(own_media), "the PDF was written and must have been removed"


# --- Demo data ---------------------------------------------------------------------------------------------------


def test_demo_issues_decided_cases_decisions_once(decided, cast):
    users = {"b01_chief": cast.b01_chief}
    assert demo.seed_documents(users) == 1
    assert demo.seed_documents(users) == 0
    document = Document.objects.get(case=decided)
    assert document.kind == "penalty_decision" and document.issued_by == cast.b01_chief


# --- Print batches -------------------------------------------------------------------------------------------------


def test_small_batch_is_merged_at_once_into_one_pdf(decided, driver, cast):
    decision = issue(decided)
    notice_case = driver.case_in("notifying")
    notice = issue(notice_case, kind="prior_notice", by=driver.o1)
    batch = print_batch_create(by=cast.b01_chief, document_ids=[decision.pk, notice.pk])
    assert batch.state == PrintBatch.State.DONE and batch.done == batch.total == 2
    with batch.file.open("rb") as handle:
        data = handle.read()
    expected_pages = len(pdf_reader(read(decision)).pages) + len(pdf_reader(read(notice)).pages)
    assert batch.pages == len(pdf_reader(data).pages) == expected_pages
    text = pdf_text(data)
    assert decision.number in text and notice.number in text
    assert all(FONT_KEY in normalised(name) for name in pdf_font_names(data))


def test_large_batch_goes_to_the_task_worker(decided, cast, settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "batch_inline_max": 0}
    decision = issue(decided)
    batch = print_batch_create(by=cast.b01_chief, document_ids=[decision.pk])
    # Tests run tasks with the immediate backend: the task has run by now.
    assert batch.task_id
    assert batch.state == PrintBatch.State.DONE and batch.pages >= 2


def test_batch_takes_only_documents_in_scope(decided, cast, b02_institution):
    from tests.factories import CaseFactory, DocumentFactory

    other = DocumentFactory(case=CaseFactory(institution=b02_institution))
    with pytest.raises(ValidationError):
        print_batch_create(by=cast.b01_chief, document_ids=[other.pk])
    mine = issue(decided)
    batch = print_batch_create(by=cast.b01_chief, document_ids=[mine.pk, other.pk])
    assert list(batch.documents.values_list("pk", flat=True)) == [mine.pk]


def test_only_chiefs_print_batches(decided, driver, cast):
    document = issue(decided)
    with pytest.raises(PermissionDenied):
        print_batch_create(by=driver.o1, document_ids=[document.pk])


def test_a_failing_batch_is_marked_failed(decided, cast, monkeypatch):
    document = issue(decided)

    def broken(sources, progress=None):
        raise RuntimeError("out of paper")

    monkeypatch.setattr(pdf, "merge_html", broken)
    batch = print_batch_create(by=cast.b01_chief, document_ids=[document.pk])
    assert batch.state == PrintBatch.State.FAILED and "out of paper" in batch.error and not batch.file


# --- Amounts in capitals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "零元整"), ("10", "壹拾元整"), ("100000", "壹拾万元整"), ("123.45", "壹佰贰拾叁元肆角伍分"),
        ("1000.05", "壹仟元零伍分"), ("100010", "壹拾万零壹拾元整"), ("1001001", "壹佰万零壹仟零壹元整"),
        ("10500", "壹万零伍佰元整"), ("100000001", "壹亿零壹元整"), ("230010.5", "贰拾叁万零壹拾元伍角"),
    ],
)  # fmt: skip
def test_amounts_in_capitals(amount, text):
    assert rmb_upper(D(amount)) == text


def test_a_large_batch_is_written_in_chunks_and_joined(decided, driver):
    decision = issue(decided)
    notice = issue(driver.case_in("notifying"), kind="prior_notice", by=driver.o1)
    seen = []
    data, pages = pdf.merge_html([decision.html, notice.html, decision.html], progress=seen.append, chunk=2)
    reader = pdf_reader(data)
    assert pages == len(reader.pages) == 2 * len(pdf_reader(read(decision)).pages) + len(pdf_reader(read(notice)).pages)
    assert seen == [1, 2, 3]
    assert pdf_text(data).count(decision.number) >= 2
    assert all(FONT_KEY in normalised(name) for name in pdf_font_names(data))
