"""cases/{id}/documents/: the contract's fields, issuing with POST {"kind"}, the PDF behind ``url``, and the
status codes: 404 out of scope, 403 wrong role, 409 wrong state, 400 bad input."""

import hashlib

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enforcement.documents.models import Document
from enforcement.documents.services import document_issue
from supervision.org.models import AuditEvent

CONTRACT_FIELDS = {"id", "kind", "number", "issued_at", "sha256", "url"}


def docs_url(case):
    return f"/api/v1/cases/{case.pk}/documents/"


@pytest.fixture
def decided(driver):
    return driver.case_in("decided")


@pytest.fixture
def document(decided, cast):
    return document_issue(kind="penalty_decision", by=cast.b01_chief, case=decided)


def test_list_has_the_contract_fields_and_the_url_is_the_pdf(document, decided, cast, api_for):
    api = api_for(cast.b01_officer)
    response = api.get(docs_url(decided))
    assert response.status_code == 200
    [item] = response.json()
    assert CONTRACT_FIELDS <= set(item)
    assert (item["id"], item["kind"], item["number"], item["sha256"]) == (
        document.pk, "penalty_decision", document.number, document.sha256,
    )  # fmt: skip
    pdf = api.get(item["url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    assert hashlib.sha256(data).hexdigest() == item["sha256"]


def test_the_chief_issues_with_post_kind(decided, cast, api_for):
    response = api_for(cast.b01_chief).post(docs_url(decided), {"kind": "penalty_decision"}, format="json")
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert body["number"] == document.number and body["sha256"] == document.sha256 and body["version"] == 1


def test_a_correction_needs_a_reason_and_keeps_the_number(document, decided, cast, api_for):
    api = api_for(cast.b01_chief)
    assert api.post(docs_url(decided), {"kind": "penalty_decision"}, format="json").status_code == 400
    response = api.post(docs_url(decided), {"kind": "penalty_decision", "reason": "更正笔误"}, format="json")
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["version"]) == (document.number, 2)
    listed = api.get(docs_url(decided)).json()
    assert [(d["version"], d["superseded"]) for d in listed] == [(2, False), (1, True)]


def test_wrong_state_is_409(driver, cast, api_for):
    case = driver.case_in("deciding")
    response = api_for(cast.b01_chief).post(docs_url(case), {"kind": "penalty_decision"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("body", [{}, {"kind": ""}, {"kind": "no_such_kind"}, {"kind": "agreement_notice"}])
def test_bad_kind_is_400_naming_kind(decided, cast, api_for, body):
    response = api_for(cast.b01_chief).post(docs_url(decided), body, format="json")
    assert response.status_code == 400 and "kind" in response.json()


@pytest.mark.parametrize("username", ["auditor", "legal", "b01_fund"])
def test_wrong_role_is_403(decided, cast, api_for, username):
    response = api_for(cast[username]).post(docs_url(decided), {"kind": "penalty_decision"}, format="json")
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("username", ["b02_officer", "b02_chief"])
def test_another_branch_gets_404_everywhere(document, decided, cast, api_for, username):
    api = api_for(cast[username])
    assert api.get(docs_url(decided)).status_code == 404
    assert api.get(f"{docs_url(decided)}{document.pk}/").status_code == 404
    assert api.get(f"{docs_url(decided)}{document.pk}/download/").status_code == 404
    assert api.post(docs_url(decided), {"kind": "penalty_decision"}, format="json").status_code == 404
    missing = api.get("/api/v1/cases/987654/documents/")
    assert missing.status_code == 404 and missing.json() == api.get(docs_url(decided)).json()


def test_supervisors_get_403_and_anonymous_401(decided, cast, api_for):
    assert api_for(cast.supervisor).get(docs_url(decided)).status_code == 403
    assert api_for(None).get(docs_url(decided)).status_code == 401


def test_download_with_a_token_is_audited(document, decided, cast):
    token = Token.objects.create(user=cast.b01_officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(f"{docs_url(decided)}{document.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert document.number in response["Content-Disposition"] or "filename*=" in response["Content-Disposition"]
    row = AuditEvent.objects.for_object(document).get(verb="download")
    assert row.actor == cast.b01_officer


def test_a_method_not_allowed_on_an_invisible_document_is_404(document, decided, cast, api_for):
    assert api_for(cast.b02_chief).delete(f"{docs_url(decided)}{document.pk}/").status_code == 404
    assert api_for(cast.b01_chief).delete(f"{docs_url(decided)}{document.pk}/").status_code == 405


def test_schema_documents_the_endpoint(api_for, cast):
    schema = api_for(cast.b01_chief).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/cases/{id}/documents/" in paths  # the contract's name
    assert "/api/v1/cases/{id}/documents/{doc}/download/" in paths
    assert set(paths["/api/v1/cases/{id}/documents/"]) >= {"get", "post"}
