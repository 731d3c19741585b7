"""Document pages: the case page's Documents section and its prominent "Issue decision" button, issuing from the
page, print previews, downloads (scoped, audited, named by number), the documents list and batch printing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.documents.models import Document, PrintBatch
from enforcement.documents.services import document_issue
from portal.numbering import NumberSequence
from supervision.org import services as org_services
from supervision.org.models import AuditEvent
from tests.factories import CaseFactory, DocumentFactory, PrintBatchFactory

LIST_URL = reverse("enforcement:document-list")
PRINT_URL = reverse("enforcement:document-print")


@pytest.fixture
def decided(driver):
    return driver.case_in("decided")


@pytest.fixture
def document(decided, cast):
    return document_issue(kind="penalty_decision", by=cast.b01_chief, case=decided)


def case_url(case):
    return reverse("enforcement:case-detail", args=[case.pk])


def issue_url(case):
    return reverse("enforcement:case-document-issue", args=[case.pk])


def preview_url(document):
    return reverse("enforcement:case-document-preview", args=[document.case_id, document.pk])


def download_url(document):
    return reverse("enforcement:case-document-download", args=[document.case_id, document.pk])


# --- The case page -------------------------------------------------------------------------------------------


def test_decided_case_shows_a_prominent_issue_decision_button_to_the_chief(decided, cast, client_for):
    body = client_for(cast.b01_chief).get(case_url(decided)).content.decode()
    assert 'id="issue-decision"' in body
    assert 'id="documents"' in body


def test_viewers_get_no_issue_button(decided, cast, client_for):
    body = client_for(cast.auditor).get(case_url(decided)).content.decode()
    assert 'id="issue-decision"' not in body
    assert reverse("enforcement:case-document-issue", args=[decided.pk]) not in body


def test_the_documents_section_lists_issued_documents(document, decided, cast, client_for):
    body = client_for(cast.auditor).get(case_url(decided)).content.decode()
    assert document.number in body
    assert document.sha256[:14] in body
    assert download_url(document) in body and preview_url(document) in body
    chief_body = client_for(cast.b01_chief).get(case_url(decided)).content.decode()
    assert 'id="issue-decision"' not in chief_body  # issued: the prompt is gone, a re-issue is offered
    assert 'name="reason"' in chief_body


def test_superseded_versions_are_marked(document, decided, cast, client_for):
    document_issue(kind="penalty_decision", by=cast.b01_chief, case=decided, reason="更正当事人地址")
    response = client_for(cast.b01_chief).get(case_url(decided))
    documents = response.context["documents"]
    assert [(d.version, d.is_superseded) for d in documents] == [(2, False), (1, True)]
    assert "更正当事人地址" in response.content.decode()


def test_the_timeline_shows_the_issue(document, decided, cast, client_for):
    response = client_for(cast.b01_chief).get(case_url(decided))
    event, label, summary = response.context["timeline"][-1]
    assert event.action == "issue_document"
    assert label != "issue_document"  # named, not shown by its code
    assert any(document.number in text for _key, text in summary)


# --- Issuing from the page -----------------------------------------------------------------------------------


def test_the_chief_issues_from_the_page(decided, cast, client_for):
    response = client_for(cast.b01_chief).post(issue_url(decided), {"kind": "penalty_decision"})
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    assert Document.objects.get(case=decided).kind == "penalty_decision"


def test_a_refused_state_is_a_message_and_writes_nothing(driver, cast, client_for):
    case = driver.case_in("deciding")
    response = client_for(cast.b01_chief).post(issue_url(case), {"kind": "penalty_decision"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Document.objects.exists()


def test_an_officer_not_assigned_gets_403(decided, org, client_for):
    from tests.enforcement.conftest import certified_user

    stranger = certified_user("b01_officer9", [("officer", org.b01)], "CERT-B01-0009")
    response = client_for(stranger).post(issue_url(decided), {"kind": "penalty_decision"})
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("auditor", 403), ("b02_chief", 404), ("b02_officer", 404)])
def test_issue_route_wrong_role_403_out_of_scope_404(decided, cast, client_for, username, status):
    assert client_for(cast[username]).post(issue_url(decided), {"kind": "penalty_decision"}).status_code == status
    assert not Document.objects.exists()


# --- Preview and download ------------------------------------------------------------------------------------


def test_preview_is_the_issued_html_with_a_strict_policy(document, cast, client_for):
    response = client_for(cast.auditor).get(preview_url(document))
    assert response.status_code == 200
    assert response.content.decode() == document.html
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_draft_preview_takes_no_number(decided, cast, client_for):
    url = reverse("enforcement:case-document-draft", args=[decided.pk, "penalty_decision"])
    response = client_for(cast.b01_officer).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "样稿" in body and "行政处罚决定书" in body
    assert not NumberSequence.objects.filter(series__startswith="doc:").exists()
    missing = reverse("enforcement:case-document-draft", args=[decided.pk, "no_such_kind"])
    assert client_for(cast.b01_officer).get(missing).status_code == 404


def test_download_is_the_pdf_named_by_its_number_and_audited(document, cast, client_for):
    response = client_for(cast.b01_officer).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    from urllib.parse import unquote

    assert document.number in unquote(disposition)
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    row = AuditEvent.objects.for_object(document).filter(verb="download").get()
    assert row.actor == cast.b01_officer and row.after["number"] == document.number


@pytest.mark.parametrize("username", ["b02_officer", "b02_chief"])
def test_another_branch_gets_404_for_preview_and_download(document, cast, client_for, username):
    client = client_for(cast[username])
    assert client.get(preview_url(document)).status_code == 404
    assert client.get(download_url(document)).status_code == 404
    assert not AuditEvent.objects.for_object(document).filter(verb="download").exists()


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_non_staff_get_403(document, cast, client_for, username):
    assert client_for(cast[username]).get(download_url(document)).status_code == 403


def test_a_document_is_only_found_under_its_own_case(document, org, cast, client_for):
    other = CaseFactory(institution__jurisdiction=org.b01)
    url = reverse("enforcement:case-document-download", args=[other.pk, document.pk])
    assert client_for(cast.b01_chief).get(url).status_code == 404


def test_a_grant_on_the_case_opens_its_documents(document, decided, cast, client_for):

    org_services.access_grant(obj=decided, to=cast.b02_officer, by=cast.director, reason="交叉检查")
    assert client_for(cast.b02_officer).get(download_url(document)).status_code == 200


# --- The documents list --------------------------------------------------------------------------------------


def test_list_is_scoped(org, cast, client_for):
    mine = DocumentFactory(case=CaseFactory(institution__jurisdiction=org.b01))
    theirs = DocumentFactory(case=CaseFactory(institution__jurisdiction=org.b02))
    shown = set(client_for(cast.b01_officer).get(LIST_URL).context["object_list"])
    assert mine in shown and theirs not in shown
    assert set(client_for(cast.auditor).get(LIST_URL).context["object_list"]) >= {mine, theirs}


def test_list_filters_by_kind_and_version_in_force(org, cast, client_for):
    case = CaseFactory(institution__jurisdiction=org.b01)
    form = DocumentFactory(case=case)
    decision = DocumentFactory(case=case, kind="penalty_decision", number="东医保罚〔2026〕1号")
    client = client_for(cast.b01_chief)
    assert list(client.get(LIST_URL, {"kind": "penalty_decision"}).context["object_list"]) == [decision]
    Document.objects.filter(pk=form.pk).update(superseded_at=decision.issued_at)
    assert list(client.get(LIST_URL, {"current": "true"}).context["object_list"]) == [decision]


def test_only_chiefs_see_the_print_checkboxes(org, cast, client_for):
    DocumentFactory(case=CaseFactory(institution__jurisdiction=org.b01))
    assert 'name="documents"' in client_for(cast.b01_chief).get(LIST_URL).content.decode()
    assert 'name="documents"' not in client_for(cast.b01_officer).get(LIST_URL).content.decode()


def test_list_query_count_does_not_grow_with_the_rows(org, cast, client_for):
    client = client_for(cast.b01_chief)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST_URL).status_code == 200
        return len(ctx.captured_queries)

    DocumentFactory(case=CaseFactory(institution__jurisdiction=org.b01))
    one = count()
    for _ in range(49):
        DocumentFactory(case=CaseFactory(institution__jurisdiction=org.b01))
    assert count() == one


# --- Batch printing ------------------------------------------------------------------------------------------


def test_a_chief_prints_selected_documents_as_one_pdf(document, decided, cast, client_for):
    client = client_for(cast.b01_chief)
    response = client.post(PRINT_URL, {"documents": [document.pk]})
    batch = PrintBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    status = client.get(reverse("enforcement:printbatch-status", args=[batch.pk])).json()
    assert status["state"] == "done" and status["percent"] == 100 and status["finished"]
    download = client.get(reverse("enforcement:printbatch-download", args=[batch.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.for_object(batch).filter(verb="download").get().after["documents"] == [document.pk]


def test_printing_nothing_is_a_message(cast, client_for):
    response = client_for(cast.b01_chief).post(PRINT_URL, {"documents": []}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not PrintBatch.objects.exists()


def test_an_unfinished_batch_page_polls_with_the_static_script(cast, client_for):
    batch = PrintBatchFactory(created_by=cast.b01_chief, state="running", done=3, total=40, file=None)
    body = client_for(cast.b01_chief).get(batch.get_absolute_url()).content.decode()
    assert "js/job-progress.js" in body and "<script>" not in body
    download = reverse("enforcement:printbatch-download", args=[batch.pk])
    assert client_for(cast.b01_chief).get(download).status_code == 404


@pytest.mark.parametrize(("username", "status"), [("enf_chief", 404), ("b02_chief", 404), ("b01_officer", 403)])
def test_a_batch_is_its_requesters_alone(cast, client_for, username, status):
    batch = PrintBatchFactory(created_by=cast.b01_chief)
    assert client_for(cast[username]).get(batch.get_absolute_url()).status_code == status


# --- Agreement actions -----------------------------------------------------------------------------------------


def test_the_fund_officer_issues_an_agreement_notice_from_the_measures_page(cast, client_for, b01_agreement):
    from tests.factories import AgreementActionFactory

    measure = AgreementActionFactory(agreement=b01_agreement, kind="interview", state="approved")
    client = client_for(cast.b01_fund)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert reverse("enforcement:agreementaction-document-issue", args=[measure.pk]) in page
    response = client.post(
        reverse("enforcement:agreementaction-document-issue", args=[measure.pk]), {"kind": "agreement_notice"}
    )
    assert response.status_code == 302
    document = Document.objects.get(agreement_action=measure)
    assert document.number in client.get(measure.get_absolute_url()).content.decode()
    url = reverse("enforcement:agreementaction-document-download", args=[measure.pk, document.pk])
    assert client.get(url)["Content-Type"] == "application/pdf"
    assert client_for(cast.b02_chief).get(url).status_code == 404


def test_a_server_without_the_font_says_so_and_issues_nothing(decided, cast, client_for, api_for, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from portal import pdf

    def missing(html):
        raise ImproperlyConfigured("The font “Noto Serif CJK SC” is not installed: install fonts-noto-cjk.")

    monkeypatch.setattr(pdf, "html_to_pdf", missing)
    response = client_for(cast.b01_chief).post(issue_url(decided), {"kind": "penalty_decision"}, follow=True)
    assert any("fonts-noto-cjk" in str(m) for m in response.context["messages"])
    api = api_for(cast.b01_chief).post(f"/api/v1/cases/{decided.pk}/documents/", {"kind": "penalty_decision"})
    assert api.status_code == 503 and "fonts-noto-cjk" in api.json()["detail"]
    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(series__startswith="doc:", last__gt=0).exists()
