"""HTML pages of service agreements: list, detail and signing a new agreement from an institution's page."""

from datetime import date

import pytest
from django.urls import reverse

from supervision.org.models import AuditEvent
from supervision.register import services as register_services
from supervision.register.models import Agreement, AgreementStatusChange
from tests.factories import AgreementFactory
from tests.supervision.helpers import assert_login_redirect, page_body

MISSING_PK = 987654


def url(name, pk=None):
    return reverse(f"supervision:{name}", args=[pk] if pk is not None else [])


# --- List ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["b01_officer", "b01_fund", "auditor", "analyst"])
def test_list_opens_for_staff(cast, client_for, b01_agreement, username):
    assert client_for(cast[username]).get(url("agreement-list")).status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_list_is_forbidden_to_non_staff(cast, client_for, username):
    assert client_for(cast[username]).get(url("agreement-list")).status_code == 403


def test_list_redirects_anonymous_to_login(client, db):
    assert_login_redirect(client.get(url("agreement-list")), url("agreement-list"))


def test_list_shows_only_agreements_in_scope(cast, client_for, b01_agreement, b02_agreement):
    response = client_for(cast.b02_officer).get(url("agreement-list"))
    assert list(response.context["object_list"]) == [b02_agreement]
    assert b01_agreement.number not in response.content.decode()


def test_list_status_filter(org, cast, client_for, b01_agreement):
    suspended = AgreementFactory(institution__jurisdiction=org.b01, status=Agreement.Status.SUSPENDED)
    response = client_for(cast.b01_officer).get(url("agreement-list"), {"status": "suspended"})
    assert list(response.context["object_list"]) == [suspended]


def test_list_jurisdiction_filter_cannot_widen(org, cast, client_for, b01_agreement, b02_agreement):
    response = client_for(cast.b01_officer).get(url("agreement-list"), {"jurisdiction": org.b02.pk})
    assert list(response.context["object_list"]) == []


def test_list_institution_filter(org, cast, client_for, b01_agreement):
    AgreementFactory(institution__jurisdiction=org.b01)
    response = client_for(cast.b01_officer).get(url("agreement-list"), {"institution": b01_agreement.institution_id})
    assert list(response.context["object_list"]) == [b01_agreement]


# --- Detail --------------------------------------------------------------------------------------------


def test_detail_opens_in_scope(cast, client_for, b01_agreement):
    response = client_for(cast.b01_fund).get(url("agreement-detail", b01_agreement.pk))
    assert response.status_code == 200
    assert b01_agreement.number in response.content.decode()


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_detail_is_forbidden_to_non_staff(cast, client_for, b01_agreement, username):
    assert client_for(cast[username]).get(url("agreement-detail", b01_agreement.pk)).status_code == 403


def test_detail_is_404_out_of_scope(cast, client_for, b01_agreement):
    assert client_for(cast.b02_officer).get(url("agreement-detail", b01_agreement.pk)).status_code == 404


def test_detail_out_of_scope_404_is_identical_to_missing(cast, client_for, b01_agreement):
    client = client_for(cast.b02_chief)
    out_url, missing_url = url("agreement-detail", b01_agreement.pk), url("agreement-detail", MISSING_PK)
    out_of_scope, missing = client.get(out_url), client.get(missing_url)
    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert page_body(out_of_scope, out_url) == page_body(missing, missing_url)


def test_detail_redirects_anonymous_to_login(client, b01_agreement):
    target = url("agreement-detail", b01_agreement.pk)
    assert_login_redirect(client.get(target), target)


def test_detail_shows_status_history(cast, client_for, b01_agreement):

    register_services.agreement_set_status(
        agreement=b01_agreement,
        to_status="suspended",
        effective_on=date(2026, 3, 1),
        by=cast.b01_chief,
        reason="违规结算，暂停三个月",
    )
    content = client_for(cast.b01_officer).get(url("agreement-detail", b01_agreement.pk)).content.decode()
    assert "违规结算，暂停三个月" in content
    assert "2026-03-01" in content


# --- Create (from the institution's page) --------------------------------------------------------------


def _agreement_data(**overrides):
    data = {"number": "JCYB-B01-2026-101", "valid_from": "2028-01-01", "valid_to": "2029-12-31"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("username", ["b01_chief", "b01_fund", "fund_officer"])
def test_create_page_opens_for_agreement_managers_in_scope(cast, client_for, b01_institution, username):
    assert client_for(cast[username]).get(url("agreement-create", b01_institution.pk)).status_code == 200


@pytest.mark.parametrize("username", ["b01_officer", "auditor", "supervisor", "norole"])
def test_create_page_is_forbidden_to_wrong_role(cast, client_for, b01_institution, username):
    assert client_for(cast[username]).get(url("agreement-create", b01_institution.pk)).status_code == 403


def test_create_page_is_404_out_of_scope(cast, client_for, b01_institution):
    assert client_for(cast.b02_chief).get(url("agreement-create", b01_institution.pk)).status_code == 404


def test_create_page_out_of_scope_404_is_identical_to_missing(cast, client_for, b01_institution):
    client = client_for(cast.b02_chief)
    out_url, missing_url = url("agreement-create", b01_institution.pk), url("agreement-create", MISSING_PK)
    assert page_body(client.get(out_url), out_url) == page_body(client.get(missing_url), missing_url)


def test_create_page_redirects_anonymous_to_login(client, b01_institution):
    target = url("agreement-create", b01_institution.pk)
    assert_login_redirect(client.get(target), target)


def test_create_signs_agreement_and_redirects_to_institution(cast, client_for, b01_institution):
    response = client_for(cast.b01_fund).post(url("agreement-create", b01_institution.pk), _agreement_data())
    assert response.status_code == 302
    assert response["Location"] == url("institution-detail", b01_institution.pk)
    agreement = Agreement.objects.get(number="JCYB-B01-2026-101")
    assert (agreement.institution, agreement.jurisdiction, agreement.status) == (
        b01_institution,
        b01_institution.jurisdiction,
        "active",
    )


def test_create_records_history_and_audit(cast, client_for, b01_institution):
    client_for(cast.b01_fund).post(url("agreement-create", b01_institution.pk), _agreement_data())
    agreement = Agreement.objects.get(number="JCYB-B01-2026-101")
    assert AgreementStatusChange.objects.filter(agreement=agreement, to_status="active").count() == 1
    assert list(AuditEvent.objects.for_object(agreement).values_list("verb", flat=True)) == ["create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_to": "2028-01-01"}, "valid_to"),  # ends on the day it starts
        ({"valid_to": "2027-06-30"}, "valid_to"),  # ends before it starts
        ({"number": ""}, "number"),
        ({"valid_from": "not a date"}, "valid_from"),
    ],
)
def test_create_with_bad_input_shows_errors_and_writes_nothing(cast, client_for, b01_institution, overrides, field):
    audit_before = AuditEvent.objects.count()
    response = client_for(cast.b01_chief).post(
        url("agreement-create", b01_institution.pk), _agreement_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_create_overlapping_agreement_shows_error(cast, client_for, b01_agreement):
    institution = b01_agreement.institution  # its agreement runs 2025-01-01 .. 2027-12-31
    response = client_for(cast.b01_chief).post(
        url("agreement-create", institution.pk), _agreement_data(valid_from="2027-01-01")
    )
    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert Agreement.objects.filter(institution=institution).count() == 1


def test_create_by_outsider_post_is_404_and_writes_nothing(cast, client_for, b01_institution):
    response = client_for(cast.b02_chief).post(url("agreement-create", b01_institution.pk), _agreement_data())
    assert response.status_code == 404
    assert not Agreement.objects.exists()


def test_list_end_date_range_filter(org, cast, client_for, b01_agreement):
    later = AgreementFactory(institution__jurisdiction=org.b01, valid_to=date(2030, 6, 30))
    response = client_for(cast.b01_officer).get(
        url("agreement-list"), {"valid_to_after": "2030-01-01", "valid_to_before": "2030-12-31"}
    )
    assert list(response.context["object_list"]) == [later]
