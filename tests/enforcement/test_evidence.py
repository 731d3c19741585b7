"""Evidence on cases (issue 15): upload with SHA-256, type from the content, the size cap, audited downloads of
the unchanged bytes, who may add (assigned officers and the chief) and when (investigating … deciding), the
contract's API shape and status codes, corrections as versions, and the generated-file service."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enforcement.evidence import services
from enforcement.evidence.demo import add_demo_evidence
from enforcement.evidence.models import Evidence
from portal.errors import InvalidState
from supervision.org.models import AuditEvent

PDF = b"%PDF-1.4\n" + "询问笔录".encode() * 50 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def upload(name="笔录.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def add(case, by, **kwargs):
    fields = {"kind": "documentary", "title": "结算明细", "source": "医院HIS系统导出",
              "collected_on": timezone.localdate(), "file": upload()}  # fmt: skip
    return services.evidence_add(case=case, by=by, **{**fields, **kwargs})


@pytest.fixture
def investigating(driver):
    return driver.case_in("investigating")


def api_url(case):
    return f"/api/v1/cases/{case.pk}/evidence/"


def api_fields(**extra):
    return {"title": "现场照片", "kind": "audiovisual", "collected_on": timezone.localdate().isoformat(),
            "source": "现场拍摄", **extra}  # fmt: skip


# --- Service ---------------------------------------------------------------------------------------------------


def test_upload_keeps_sha256_name_type_size_and_is_audited(investigating, cast):
    evidence = add(investigating, cast.b01_officer, proves="虚构住院天数")
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (evidence.original_name, evidence.content_type, evidence.size) == ("笔录.pdf", "application/pdf", len(PDF))
    assert evidence.collected_by == cast.b01_officer and evidence.proves == "虚构住院天数"
    assert AuditEvent.objects.filter(verb="add_evidence", object_id=str(evidence.pk)).exists()


def test_content_type_is_checked_from_the_bytes(investigating, cast):
    with pytest.raises(ValidationError) as raised:
        add(investigating, cast.b01_officer, file=upload("x.pdf", b"<html><script>alert(1)</script>"))
    assert "file" in raised.value.message_dict
    with pytest.raises(ValidationError):
        add(investigating, cast.b01_officer, file=upload("x.exe", b"MZ\x90\x00"))


def test_the_chief_adds_an_unassigned_officer_may_not(investigating, cast, b01_officer3):
    assert add(investigating, cast.b01_chief).collected_by == cast.b01_chief
    with pytest.raises(PermissionDenied):
        add(investigating, b01_officer3)


def test_no_evidence_before_filing_or_after_the_decision(driver, cast):
    filing = driver.open()
    with pytest.raises(InvalidState):
        add(filing, cast.b01_chief)
    decided = driver.case_in("decided")
    with pytest.raises(InvalidState):
        add(decided, cast.b01_officer)


def test_correction_is_a_new_version(investigating, cast):
    first = add(investigating, cast.b01_officer)
    with pytest.raises(ValidationError) as raised:
        add(investigating, cast.b01_officer, supersedes=first)
    assert "reason" in raised.value.message_dict
    second = add(investigating, cast.b01_officer, supersedes=first, reason="原件页码缺失")
    first.refresh_from_db()
    assert first.is_superseded and second.supersedes == first
    assert Evidence.objects.filter(case=investigating).count() == 2  # nothing is deleted
    with pytest.raises(ValidationError):
        add(investigating, cast.b01_officer, supersedes=first, reason="again")


def test_attach_evidence_takes_generated_bytes(investigating, cast):
    evidence = services.attach_evidence(
        case=investigating, by=cast.b01_officer, kind="statement", title="询问笔录（张三）", content=PDF,
        filename="inquiry-record.pdf", source="询问当事人", collected_on=timezone.localdate(),
    )  # fmt: skip
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.kind == "statement"


def test_demo_evidence(investigating, cast):
    items = add_demo_evidence(investigating, cast.b01_officer)
    assert len(items) == 2 and all(e.sha256 and e.size for e in items)


# --- Pages -----------------------------------------------------------------------------------------------------


def test_page_form_adds_evidence_and_download_returns_the_bytes_audited(investigating, cast, client_for):
    client = client_for(cast.b01_officer)
    page = client.get(reverse("enforcement:case-detail", args=[investigating.pk]))
    assert "添加证据" in page.content.decode()
    data = {"evidence-title": "病历复印件", "evidence-kind": "documentary", "evidence-source": "医院病案室",
            "evidence-collected_on": timezone.localdate().isoformat(), "evidence-proves": "挂床住院",
            "evidence-file": upload("病历.png", PNG)}  # fmt: skip
    response = client.post(reverse("enforcement:case-evidence-add", args=[investigating.pk]), data)
    assert response.status_code == 302
    evidence = Evidence.objects.get(case=investigating)
    assert evidence.content_type == "image/png"
    page = client.get(reverse("enforcement:case-detail", args=[investigating.pk])).content.decode()
    assert "病历复印件" in page and "书证" in page
    url = reverse("enforcement:case-evidence-download", args=[investigating.pk, evidence.pk])
    download = client.get(url)
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png" and "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(verb="download", object_id=str(evidence.pk), actor=cast.b01_officer).exists()


def test_pages_are_404_for_another_branch(investigating, cast, client_for):
    evidence = add(investigating, cast.b01_officer)
    client = client_for(cast.b02_officer)
    urls = [
        ("get", reverse("enforcement:case-evidence-download", args=[investigating.pk, evidence.pk])),
        ("post", reverse("enforcement:case-evidence-add", args=[investigating.pk])),
        ("post", reverse("enforcement:case-preservation-request", args=[investigating.pk])),
        ("post", reverse("enforcement:case-sealing-create", args=[investigating.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url


def test_page_refuses_after_the_decision_with_a_message(driver, cast, client_for):
    decided = driver.case_in("decided")
    client = client_for(cast.b01_officer)
    data = {"evidence-title": "x", "evidence-kind": "documentary", "evidence-source": "y",
            "evidence-collected_on": timezone.localdate().isoformat(), "evidence-file": upload()}  # fmt: skip
    response = client.post(reverse("enforcement:case-evidence-add", args=[decided.pk]), data, follow=True)
    assert not Evidence.objects.filter(case=decided).exists()
    assert any("decided" in str(m) or "决定" in str(m) for m in response.context["messages"])


# --- API -------------------------------------------------------------------------------------------------------


def test_api_post_then_list_has_the_contract_shape(investigating, cast, api_for):
    api = api_for(cast.b01_officer)
    response = api.post(api_url(investigating), {**api_fields(), "file": upload("照片.png", PNG)}, format="multipart")
    assert response.status_code == 201, response.json()
    listing = api.get(api_url(investigating)).json()
    [item] = listing
    assert {"id", "title", "kind", "collected_on", "collected_by", "sha256", "url"} <= set(item)
    assert item["collected_by"] == str(cast.b01_officer) and item["sha256"] == hashlib.sha256(PNG).hexdigest()
    file = api.get(item["url"])
    assert file.status_code == 200 and b"".join(file.streaming_content) == PNG


def test_api_bad_input_names_the_field(investigating, cast, api_for):
    api = api_for(cast.b01_officer)
    response = api.post(api_url(investigating), api_fields(kind="rumour"), format="multipart")
    assert response.status_code == 400 and {"kind", "file"} <= set(response.json())
    bad = api.post(api_url(investigating), {**api_fields(), "file": upload("a.png", b"GIF89a")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()


def test_api_413_over_the_cap(investigating, cast, api_for, settings):
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "evidence": 1024}
    api = api_for(cast.b01_officer)
    body = {**api_fields(), "file": upload("big.pdf", PDF + b"0" * 2048)}
    assert api.post(api_url(investigating), body, format="multipart").status_code == 413


def test_api_status_codes(driver, investigating, cast, api_for, b01_officer3):
    body = {**api_fields(), "file": upload()}
    assert api_for(b01_officer3).post(api_url(investigating), body, format="multipart").status_code == 403
    assert api_for(cast.legal).post(api_url(investigating), body, format="multipart").status_code == 403
    assert api_for(cast.b02_officer).post(api_url(investigating), body, format="multipart").status_code == 404
    assert api_for(cast.b02_officer).get(api_url(investigating)).status_code == 404
    decided = driver.case_in("decided")
    assert api_for(cast.b01_officer).post(api_url(decided), body, format="multipart").status_code == 409
    assert api_for(None).get(api_url(investigating)).status_code == 401


def test_api_download_is_404_for_another_branch(investigating, cast, api_for):
    evidence = add(investigating, cast.b01_officer)
    url = f"/api/v1/cases/{investigating.pk}/evidence/{evidence.pk}/download/"
    assert api_for(cast.b02_officer).get(url).status_code == 404
    assert api_for(cast.auditor).get(url).status_code == 200


def test_archived_case_refuses_evidence(driver, cast):
    from enforcement.cases.models import Case

    case = driver.case_in("investigating")
    Case.objects.filter(pk=case.pk).update(state="archived")
    case.refresh_from_db()
    with pytest.raises(InvalidState):
        add(case, cast.b01_officer)


def test_collected_on_cannot_be_in_the_future(investigating, cast):
    with pytest.raises(ValidationError) as raised:
        add(investigating, cast.b01_officer, collected_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "collected_on" in raised.value.message_dict


# --- One mechanism with inspections ------------------------------------------------------------------------------


def test_inspections_and_cases_keep_evidence_the_same_way(settings):
    from portal import evidence as evidence_files
    from supervision.inspections.models import InspectionEvidence

    assert issubclass(Evidence, evidence_files.EvidenceFile) and issubclass(
        InspectionEvidence, evidence_files.EvidenceFile
    )
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "evidence": 100}
    problem = evidence_files.problem(upload("big.pdf", PDF), "evidence")
    assert problem is not None and "evidence" in problem.message_dict
