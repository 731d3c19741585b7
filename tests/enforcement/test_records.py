"""Investigation records (issue 15 item 2): forms, the Q&A order, the printed documents, numbering, filing as
evidence with the document's SHA-256, and refusals (archived case, after the decision, outsiders)."""

import hashlib
from datetime import datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case
from enforcement.documents.services import document_check
from enforcement.evidence.models import Evidence
from enforcement.records import services
from enforcement.records.demo import add_demo_records
from enforcement.records.forms import RecordForm
from enforcement.records.models import InvestigationRecord, Relation
from portal.errors import InvalidState
from supervision.org.models import AuditEvent
from tests.enforcement.document_helpers import pdf_text

K = InvestigationRecord.Kind
QA = [("你是否申请回避？", "不申请回避。"), ("你院是否重复收取心电监测费用？", "属实，系收费模板设置错误。"),
      ("涉及金额多少？", "共68420元。")]  # fmt: skip


@pytest.fixture
def case(driver):
    return driver.case_in("investigating")


def _at(hour):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, 0)))


def inquiry_data(driver, **extra):
    data = {
        "person_name": "王建华", "person_id_number": "430102197805061234", "person_employer": "东湖人民医院",
        "person_post": "医务科科长", "person_relation": Relation.REPRESENTATIVE, "starts_at": _at(9),
        "ends_at": _at(10), "place": "东湖分局询问室", "officer1": driver.o1, "officer2": driver.o2,
        "recorder": driver.o2,
    }  # fmt: skip
    return {**data, **extra}


def make_inquiry(case, driver, answers=QA, **extra):
    return services.record_create(
        case=case, by=driver.o1, kind=K.INQUIRY_RECORD, data=inquiry_data(driver, **extra),
        answers=[{"question": q, "answer": a} for q, a in answers],
    )  # fmt: skip


def make_site(case, driver):
    data = {"starts_at": _at(14), "ends_at": _at(16), "place": "东湖人民医院心内科", "person_name": "王建华",
            "person_relation": Relation.REPRESENTATIVE, "officer1": driver.o1, "officer2": driver.o2,
            "recorder": driver.o2, "matter": "收费模板", "findings": "模板重复计费"}  # fmt: skip
    return services.record_create(case=case, by=driver.o1, kind=K.SITE_INSPECTION_RECORD, data=data)


def file_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


# --- Forms ---------------------------------------------------------------------------------------------------


def form_post(driver, **overrides):
    data = {
        "person_name": "王建华", "person_relation": "representative", "starts_at": "2026-03-02T09:00",
        "ends_at": "2026-03-02T10:00", "place": "询问室", "officer1": driver.o1.pk, "officer2": driver.o2.pk,
        "recorder": driver.o2.pk,
    }  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_inquiry_form_requires_the_person_questioned(case, driver):
    form = RecordForm(form_post(driver, person_name=None), case=case, kind=K.INQUIRY_RECORD)
    assert not form.is_valid()
    assert "person_name" in form.errors


def test_inquiry_form_valid_and_offers_only_the_case_officers(case, driver, cast):
    form = RecordForm(form_post(driver), case=case, kind=K.INQUIRY_RECORD)
    assert form.is_valid(), form.errors
    assert set(form.fields["officer1"].queryset) == {driver.o1, driver.o2}
    outsider = RecordForm(form_post(driver, officer1=cast.b02_officer.pk), case=case, kind=K.INQUIRY_RECORD)
    assert "officer1" in outsider.errors


def test_new_form_proposes_the_case_officers(case, driver):
    form = RecordForm(case=case, kind=K.INQUIRY_RECORD)
    assert form.initial["officer1"] == driver.o1.pk
    assert form.initial["officer2"] == driver.o2.pk
    assert "matter" not in form.fields  # only the kind's own fields


def test_service_refuses_one_officer_twice(case, driver):
    with pytest.raises(ValidationError) as exc:
        make_inquiry(case, driver, officer2=driver.o1)
    assert "officer2" in exc.value.error_dict


# --- Pages: create with the Q&A formset, order kept ---------------------------------------------------------


def test_create_page_keeps_the_order_given(case, driver, client_for):
    client = client_for(driver.o1)
    url = reverse("enforcement:record-create", args=[case.pk, "inquiry_record"])
    assert client.get(url).status_code == 200
    rows = [("第三问", "答三", 3), ("第一问", "答一", 1), ("", "", ""), ("第二问", "答二", 2)]
    data = form_post(driver)
    data.update({"qa-TOTAL_FORMS": str(len(rows)), "qa-INITIAL_FORMS": "0"})
    for i, (q, a, order) in enumerate(rows):
        data.update({f"qa-{i}-question": q, f"qa-{i}-answer": a, f"qa-{i}-ORDER": order})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    record = InvestigationRecord.objects.get(case=case)
    assert [a.question for a in record.answers.all()] == ["第一问", "第二问", "第三问"]
    assert [a.position for a in record.answers.all()] == [1, 2, 3]
    assert record.state == InvestigationRecord.State.DRAFT
    assert AuditEvent.objects.for_object(record).filter(verb="create").exists()


def test_edit_page_removes_and_reorders(case, driver, client_for):
    record = make_inquiry(case, driver)
    data = form_post(driver)
    data.update({"qa-TOTAL_FORMS": "3", "qa-INITIAL_FORMS": "3"})
    for i, (q, a) in enumerate(QA):
        data.update({f"qa-{i}-question": q, f"qa-{i}-answer": a, f"qa-{i}-ORDER": 3 - i})
    data["qa-1-DELETE"] = "on"
    response = client_for(driver.o1).post(reverse("enforcement:record-edit", args=[record.pk]), data)
    assert response.status_code == 302
    assert [a.question for a in record.answers.all()] == [QA[2][0], QA[0][0]]


def test_case_page_lists_records_and_offers_each_kind(case, driver, client_for):
    make_inquiry(case, driver)
    response = client_for(driver.o1).get(case.get_absolute_url())
    html = response.content.decode()
    assert reverse("enforcement:record-create", args=[case.pk, "site_inspection_record"]) in html
    assert "王建华" in html
    assert len(response.context["investigation_records"]) == 1


# --- Issuing --------------------------------------------------------------------------------------------------


def test_issued_inquiry_record_prints_questions_answers_and_signatures(case, driver):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    assert record.state == InvestigationRecord.State.ISSUED
    document = record.document
    assert document.kind == "inquiry_record" and document.case_id == case.pk
    data = file_bytes(document.file)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    text = pdf_text(data)
    for question, answer in QA:
        assert question.replace(" ", "") in text and answer in text
    assert text.index(QA[1][0]) < text.index(QA[2][0])
    for words in ("询问笔录", "以上笔录我已看过，与我说的相符", "被询问人签名", "询问人签名", "记录人签名",
                  "第1页共1页", "出示证件", "回避", driver.o1.certificate_number, driver.o2.certificate_number,
                  "王建华", "430102197805061234"):  # fmt: skip
        assert words in text, words


def test_each_record_gets_its_own_number(case, driver):
    first = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    second = services.record_issue(record=make_inquiry(case, driver, person_name="刘敏"), by=driver.o1)
    year = timezone.localdate().year
    assert first.document.number.endswith(f"医保询笔〔{year}〕1号")
    assert second.document.number.endswith(f"医保询笔〔{year}〕2号")
    assert first.document.superseded_at is None and second.document.supersedes is None


def test_notices_and_letters_print(case, driver):
    notice = services.record_create(
        case=case, by=driver.o1, kind=K.INQUIRY_NOTICE,
        data={"person_name": "王建华", "starts_at": _at(9), "place": "东湖分局询问室", "matter": "收费情况",
              "to_bring": "收费模板截图", "officer1": driver.o1, "officer2": driver.o2},
    )  # fmt: skip
    request = services.record_create(
        case=case, by=driver.o1, kind=K.EVIDENCE_REQUEST,
        data={"recipient": "东湖人民医院", "matter": "2025年心内科收费明细", "due_on": timezone.localdate(),
              "place": "东湖分局"},
    )  # fmt: skip
    letter = services.record_create(
        case=case, by=driver.o1, kind=K.ASSISTANCE_LETTER,
        data={"recipient": "江川市卫生健康委员会", "matter": "核实医师执业注册信息", "contact": "张三 0731-1"},
    )  # fmt: skip
    expected = {
        notice: ["询问通知书", "收费模板截图", "被通知人签收"],
        request: ["调取证据通知书", "2025年心内科收费明细"],
        letter: ["协助调查函", "核实医师执业注册信息"],
    }
    for record, words in expected.items():
        record = services.record_issue(record=record, by=driver.o1)
        text = pdf_text(file_bytes(record.document.file))
        assert all(w in text for w in words), (record.kind, text[:200])
        assert "医保" in record.document.number
    with pytest.raises(InvalidState):  # notices are not evidence
        services.record_attach(record=InvestigationRecord.objects.get(pk=notice.pk), by=driver.o1)


def test_an_issued_record_is_no_longer_edited(case, driver):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    with pytest.raises(InvalidState):
        services.record_update(record=record, by=driver.o1, data=inquiry_data(driver), answers=[])


def test_record_kinds_are_not_issued_from_the_documents_panel(case, driver):
    with pytest.raises(ValidationError):
        document_check(kind="inquiry_record", by=driver.o1, case=case)


def test_inquiry_without_questions_is_not_issued(case, driver):
    with pytest.raises(ValidationError):
        services.record_issue(record=make_inquiry(case, driver, answers=[]), by=driver.o1)


# --- Filing as evidence --------------------------------------------------------------------------------------


def test_attached_record_is_evidence_with_the_documents_hash(case, driver):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    record = services.record_attach(record=record, by=driver.o1)
    evidence = record.evidence
    assert record.state == InvestigationRecord.State.ATTACHED
    assert evidence.case_id == case.pk and evidence.kind == Evidence.Kind.STATEMENT
    assert evidence.sha256 == record.document.sha256
    assert hashlib.sha256(file_bytes(evidence.file)).hexdigest() == record.document.sha256
    assert AuditEvent.objects.for_object(record).filter(verb="attach_evidence").exists()
    with pytest.raises(InvalidState):  # once only
        services.record_attach(record=record, by=driver.o1)


def test_witness_and_site_records_get_their_evidence_kinds(case, driver):
    witness = make_inquiry(case, driver, person_relation=Relation.WITNESS, person_name="李护士")
    site = make_site(case, driver)
    kinds = []
    for record in (witness, site):
        record = services.record_attach(record=services.record_issue(record=record, by=driver.o1), by=driver.o1)
        kinds.append(record.evidence.kind)
    assert kinds == [Evidence.Kind.WITNESS, Evidence.Kind.INSPECTION_RECORD]
    text = pdf_text(file_bytes(InvestigationRecord.objects.get(pk=site.pk).document.file))
    for words in ("现场检查笔录", "模板重复计费", "当事人（在场人）签名", "检查人签名", "第1页共1页"):
        assert words in text, words


# --- Refusals ------------------------------------------------------------------------------------------------


def test_archived_case_refuses_every_write(case, driver, client_for):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    draft = make_site(case, driver)
    Case.objects.filter(pk=case.pk).update(state="archived")
    case.refresh_from_db()
    with pytest.raises(InvalidState):
        services.record_attach(record=record, by=driver.o1)
    with pytest.raises(InvalidState):
        services.record_issue(record=draft, by=driver.o1)
    with pytest.raises(InvalidState):
        make_inquiry(case, driver)
    client = client_for(driver.o1)
    assert client.get(reverse("enforcement:record-create", args=[case.pk, "inquiry_record"])).status_code == 409
    assert client.get(reverse("enforcement:record-edit", args=[draft.pk])).status_code == 409


def test_evidence_is_fixed_after_the_decision(case, driver):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    Case.objects.filter(pk=case.pk).update(state="decided")
    with pytest.raises(InvalidState):
        services.record_attach(record=record, by=driver.o1)


def test_wrong_case_state_is_409(driver, client_for):
    case = driver.case_in("reviewing")
    url = reverse("enforcement:record-create", args=[case.pk, "inquiry_record"])
    assert client_for(driver.o1).get(url).status_code == 409


def test_inquiry_is_allowed_in_the_statement_window(driver):
    case = driver.case_in("notified")
    assert make_inquiry(case, driver).pk
    with pytest.raises(InvalidState):  # on-site records belong to the investigation
        make_site(case, driver)


def test_only_assigned_officers_write(case, driver, b01_officer3, cast, client_for):
    with pytest.raises(PermissionDenied):
        services.record_create(case=case, by=b01_officer3, kind=K.INQUIRY_RECORD, data=inquiry_data(driver))
    url = reverse("enforcement:record-create", args=[case.pk, "inquiry_record"])
    assert client_for(b01_officer3).get(url).status_code == 403
    assert client_for(cast.b01_chief).get(url).status_code == 403


def test_other_branch_officer_gets_404(case, driver, cast, client_for):
    record = services.record_issue(record=make_inquiry(case, driver), by=driver.o1)
    client = client_for(cast.b02_officer)
    urls = [reverse("enforcement:record-create", args=[case.pk, "inquiry_record"])] + [
        reverse(f"enforcement:record-{name}", args=[record.pk]) for name in ("detail", "edit", "preview")
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("issue", "attach"):
        assert client.post(reverse(f"enforcement:record-{name}", args=[record.pk])).status_code == 404


def test_issue_and_attach_from_the_record_page(case, driver, client_for):
    record = make_inquiry(case, driver)
    client = client_for(driver.o1)
    page = client.get(record.get_absolute_url()).content.decode()
    assert reverse("enforcement:record-issue", args=[record.pk]) in page
    assert client.post(reverse("enforcement:record-issue", args=[record.pk])).status_code == 302
    assert client.post(reverse("enforcement:record-attach", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.state == InvestigationRecord.State.ATTACHED
    preview = client.get(reverse("enforcement:record-preview", args=[record.pk]))
    assert preview.status_code == 200 and record.document.number in preview.content.decode()


# --- Demo ----------------------------------------------------------------------------------------------------


def test_demo_records_are_issued_and_attached(case, driver):
    records = add_demo_records(case, driver.o1)
    assert [r.kind for r in records] == [K.INQUIRY_RECORD, K.SITE_INSPECTION_RECORD]
    assert all(r.state == InvestigationRecord.State.ATTACHED for r in records)
    assert 4 <= records[0].answers.count() <= 6
    assert records[0].evidence.kind == Evidence.Kind.STATEMENT
