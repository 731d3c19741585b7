"""REST API /api/v1/ (contract §REST API): auth, pagination, fields, scoping, status codes, filters, schema."""

import pytest
from rest_framework.test import APIClient

from supervision.org import services as org_services
from supervision.org.models import AuditEvent
from supervision.register.models import Agreement, Institution
from tests.factories import AgreementFactory, InstitutionFactory
from tests.supervision.helpers import institution_data

API = "/api/v1/"
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory

# --- Token authentication ------------------------------------------------------------------------------


def test_token_endpoint_returns_token_for_valid_credentials(cast):
    response = APIClient().post(f"{API}auth/token/", {"username": "b01_chief", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert response.json()["token"]


def test_token_authenticates_as_its_user(cast, b01_institution, b02_institution):
    token = (
        APIClient()
        .post(f"{API}auth/token/", {"username": "b01_chief", "password": PASSWORD}, format="json")
        .json()["token"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(f"{API}institutions/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [b01_institution.pk]


def test_token_is_stable_for_a_user(cast):
    body = {"username": "b01_chief", "password": PASSWORD}
    first = APIClient().post(f"{API}auth/token/", body, format="json").json()["token"]
    second = APIClient().post(f"{API}auth/token/", body, format="json").json()["token"]
    assert first == second


@pytest.mark.parametrize(
    "body",
    [
        {"username": "b01_chief", "password": "wrong-password"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "b01_chief"},
    ],
)
def test_token_endpoint_refuses_bad_credentials_with_400(cast, body):
    response = APIClient().post(f"{API}auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_endpoint_refuses_inactive_user(cast):
    cast.b01_chief.is_active = False
    cast.b01_chief.save()
    response = APIClient().post(f"{API}auth/token/", {"username": "b01_chief", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_invalid_token_is_401(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert api.get(f"{API}institutions/").status_code == 401


@pytest.mark.parametrize("resource", ["org-units/", "institutions/", "agreements/"])
def test_anonymous_is_401(db, resource):
    response = APIClient().get(f"{API}{resource}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


# --- Pagination ----------------------------------------------------------------------------------------


def test_list_has_pagination_shape(cast, api_for, b01_institution):
    body = api_for(cast.b01_officer).get(f"{API}institutions/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], body["next"], body["previous"], len(body["results"])) == (1, None, None, 1)


def test_page_size_is_honoured(org, cast, api_for):
    InstitutionFactory.create_batch(5, jurisdiction=org.b01)
    body = api_for(cast.b01_officer).get(f"{API}institutions/", {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (5, 2)
    assert "page=2" in body["next"]
    assert body["previous"] is None


def test_page_parameter_pages_through(org, cast, api_for):
    made = InstitutionFactory.create_batch(5, jurisdiction=org.b01)
    api = api_for(cast.b01_officer)
    seen = [
        item["id"]
        for page in (1, 2, 3)
        for item in api.get(f"{API}institutions/", {"page_size": 2, "page": page}).json()["results"]
    ]
    assert sorted(seen) == sorted(i.pk for i in made)


def test_page_size_is_capped_at_200(org, cast, api_for):
    Institution.objects.bulk_create(
        InstitutionFactory.build(jurisdiction=org.b01, code=f"H8{n:09d}", credit_code=f"91330188{n:010d}")
        for n in range(205)
    )
    body = api_for(cast.b01_officer).get(f"{API}institutions/", {"page_size": 1000}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200


def test_default_page_size_is_50(org, cast, api_for):
    InstitutionFactory.create_batch(51, jurisdiction=org.b01)
    body = api_for(cast.b01_officer).get(f"{API}institutions/").json()
    assert len(body["results"]) == 50


# --- Fields per contract -------------------------------------------------------------------------------


def test_org_unit_fields(org, cast, api_for):
    body = api_for(cast.b01_officer).get(f"{API}org-units/").json()
    item = next(i for i in body["results"] if i["code"] == "B01S")
    assert {"id", "code", "name", "kind", "parent"} <= set(item)
    assert (item["id"], item["kind"], item["parent"]) == (org.b01s.pk, "subcentre", org.b01.pk)


def test_institution_fields(cast, api_for, b01_agreement):
    institution = b01_agreement.institution
    item = api_for(cast.b01_officer).get(f"{API}institutions/").json()["results"][0]
    assert {"id", "code", "name", "kind", "jurisdiction", "credit_grade", "agreement_status"} <= set(item)
    assert item["id"] == institution.pk
    assert (item["code"], item["kind"], item["jurisdiction"]) == (
        institution.code,
        "hospital",
        institution.jurisdiction_id,
    )
    assert item["agreement_status"] == "active"


def test_institution_without_agreement_has_null_status(cast, api_for, b01_institution):
    item = api_for(cast.b01_officer).get(f"{API}institutions/{b01_institution.pk}/").json()
    assert item["agreement_status"] is None


def test_agreement_fields(cast, api_for, b01_agreement):
    item = api_for(cast.b01_officer).get(f"{API}agreements/").json()["results"][0]
    assert {"id", "number", "institution", "status", "valid_from", "valid_to"} <= set(item)
    assert (item["id"], item["institution"], item["status"]) == (
        b01_agreement.pk,
        b01_agreement.institution_id,
        "active",
    )
    assert (item["valid_from"], item["valid_to"]) == ("2025-01-01", "2027-12-31")


# --- Scope: 404 out of scope, same body as missing -----------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "fixture"), [("institutions", "b01_institution"), ("agreements", "b01_agreement")]
)
def test_detail_in_scope_is_200(request, cast, api_for, resource, fixture):
    obj = request.getfixturevalue(fixture)
    assert api_for(cast.b01_fund).get(f"{API}{resource}/{obj.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("resource", "fixture"), [("institutions", "b01_institution"), ("agreements", "b01_agreement")]
)
def test_detail_out_of_scope_is_404_like_missing(request, cast, api_for, resource, fixture):
    obj = request.getfixturevalue(fixture)
    api = api_for(cast.b02_officer)
    out_of_scope = api.get(f"{API}{resource}/{obj.pk}/")
    missing = api.get(f"{API}{resource}/987654/")
    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert out_of_scope.json() == missing.json()


def test_list_returns_only_rows_in_scope(cast, api_for, b01_agreement, b02_agreement):
    body = api_for(cast.b02_chief).get(f"{API}agreements/").json()
    assert (body["count"], [i["id"] for i in body["results"]]) == (1, [b02_agreement.pk])


def test_grant_makes_detail_visible(cast, api_for, b01_institution):

    org_services.access_grant(obj=b01_institution, to=cast.b02_officer, by=None, reason="交叉检查")
    assert api_for(cast.b02_officer).get(f"{API}institutions/{b01_institution.pk}/").status_code == 200


# --- Roles: 403 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["agreements/", "org-units/"])
def test_supervisor_may_not_read_staff_resources(cast, api_for, b01_agreement, resource):
    assert api_for(cast.supervisor).get(f"{API}{resource}").status_code == 403


def test_supervisor_may_not_read_agreement_detail(cast, api_for, b01_agreement):
    assert api_for(cast.supervisor).get(f"{API}agreements/{b01_agreement.pk}/").status_code == 403


def test_supervisor_may_read_the_institution_register(cast, api_for, b01_institution, b02_institution):
    body = api_for(cast.supervisor).get(f"{API}institutions/").json()
    assert body["count"] == 2
    assert {"id", "code", "name", "kind", "jurisdiction", "credit_grade", "agreement_status"} <= set(body["results"][0])


def test_supervisor_does_not_see_contact_details(cast, api_for, b01_institution):
    item = api_for(cast.supervisor).get(f"{API}institutions/{b01_institution.pk}/").json()
    assert not {"legal_representative", "phone", "credit_code"} & set(item)


def test_supervisor_may_not_register_institutions(org, cast, api_for):
    response = api_for(cast.supervisor).post(f"{API}institutions/", institution_data(org.b01), format="json")
    assert response.status_code == 403


def test_viewer_may_not_register_institutions(org, cast, api_for):
    response = api_for(cast.auditor).post(f"{API}institutions/", institution_data(org.b01), format="json")
    assert response.status_code == 403
    assert not Institution.objects.exists()


def test_officer_may_not_change_institution(cast, api_for, b01_institution):
    response = api_for(cast.b01_officer).patch(
        f"{API}institutions/{b01_institution.pk}/", {"name": "改名"}, format="json"
    )
    assert response.status_code == 403


def test_norole_user_is_403(cast, api_for, b01_institution):
    assert api_for(cast.norole).get(f"{API}institutions/").status_code == 403


# --- Writes --------------------------------------------------------------------------------------------


def test_create_institution_is_201_in_own_branch(org, cast, api_for):
    response = api_for(cast.b01_chief).post(f"{API}institutions/", institution_data(org.b01), format="json")
    assert response.status_code == 201
    institution = Institution.objects.get(code="H33019900001")
    assert (response.json()["id"], institution.jurisdiction) == (institution.pk, org.b01)


def test_create_institution_writes_one_audit_row(org, cast, api_for):
    api_for(cast.b01_chief).post(f"{API}institutions/", institution_data(org.b01), format="json")
    institution = Institution.objects.get(code="H33019900001")
    assert AuditEvent.objects.for_object(institution).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "bad code"}, "code"),
        ({"credit_code": "123"}, "credit_code"),
        ({"kind": "spaceship"}, "kind"),
        ({"name": None}, "name"),  # missing
        ({"level": ""}, "level"),  # a hospital needs its level
    ],
)
def test_create_institution_with_bad_field_is_400_naming_it(org, cast, api_for, overrides, field):
    data = institution_data(org.b01, **overrides)
    response = api_for(cast.b01_chief).post(f"{API}institutions/", data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert isinstance(body[field], list)
    assert all(isinstance(message, str) for message in body[field])
    assert not Institution.objects.exists()


def test_create_institution_with_duplicate_code_is_400(org, cast, api_for, b01_institution):
    data = institution_data(org.b01, code=b01_institution.code)
    response = api_for(cast.b01_chief).post(f"{API}institutions/", data, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_create_institution_in_another_branch_is_400_naming_jurisdiction(org, cast, api_for):
    response = api_for(cast.b01_chief).post(f"{API}institutions/", institution_data(org.b02), format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()
    assert not Institution.objects.exists()


def test_create_institution_in_a_division_is_400_naming_jurisdiction(org, cast, api_for):
    response = api_for(cast.fund_officer).post(f"{API}institutions/", institution_data(org.enf), format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()


def test_patch_institution_changes_name(cast, api_for, b01_institution):
    response = api_for(cast.b01_fund).patch(
        f"{API}institutions/{b01_institution.pk}/", {"name": "新名称"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "新名称"
    assert Institution.objects.get(pk=b01_institution.pk).name == "新名称"


def test_patch_institution_jurisdiction_is_400(org, cast, api_for, b01_institution):
    response = api_for(cast.fund_officer).patch(
        f"{API}institutions/{b01_institution.pk}/", {"jurisdiction": org.b02.pk}, format="json"
    )
    assert response.status_code == 400
    assert "jurisdiction" in response.json()
    assert Institution.objects.get(pk=b01_institution.pk).jurisdiction == org.b01


def test_patch_out_of_scope_institution_is_404(cast, api_for, b01_institution):
    response = api_for(cast.b02_chief).patch(f"{API}institutions/{b01_institution.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_create_agreement_is_201(cast, api_for, b01_institution):
    body = {
        "number": "XY-API-1",
        "institution": b01_institution.pk,
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
    }
    response = api_for(cast.b01_fund).post(f"{API}agreements/", body, format="json")
    assert response.status_code == 201
    assert Agreement.objects.get(number="XY-API-1").jurisdiction == b01_institution.jurisdiction


def test_create_agreement_for_out_of_scope_institution_is_400(cast, api_for, b01_institution):
    body = {
        "number": "XY-API-1",
        "institution": b01_institution.pk,
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
    }
    response = api_for(cast.b02_chief).post(f"{API}agreements/", body, format="json")
    assert response.status_code == 400
    assert "institution" in response.json()
    assert not Agreement.objects.exists()


def test_create_agreement_ending_before_start_is_400(cast, api_for, b01_institution):
    body = {
        "number": "XY-API-1",
        "institution": b01_institution.pk,
        "valid_from": "2026-01-01",
        "valid_to": "2025-12-31",
    }
    response = api_for(cast.b01_chief).post(f"{API}agreements/", body, format="json")
    assert response.status_code == 400
    assert "valid_to" in response.json()


def test_create_overlapping_agreement_is_400(cast, api_for, b01_agreement):
    body = {
        "number": "XY-API-2",
        "institution": b01_agreement.institution_id,
        "valid_from": "2026-01-01",
        "valid_to": "2028-12-31",
    }
    response = api_for(cast.b01_chief).post(f"{API}agreements/", body, format="json")
    assert response.status_code == 400
    assert "valid_from" in response.json()


# --- Filters -------------------------------------------------------------------------------------------


def _ids(response):
    assert response.status_code == 200
    return sorted(item["id"] for item in response.json()["results"])


def test_jurisdiction_filter_narrows(org, cast, api_for, b01_institution, b02_institution):
    response = api_for(cast.director).get(f"{API}institutions/", {"jurisdiction": org.b02.pk})
    assert _ids(response) == [b02_institution.pk]


def test_jurisdiction_filter_includes_subtree(org, cast, api_for, b01_institution, b02_institution):
    response = api_for(cast.director).get(f"{API}institutions/", {"jurisdiction": org.city.pk})
    assert _ids(response) == sorted([b01_institution.pk, b02_institution.pk])


def test_jurisdiction_filter_cannot_widen(org, cast, api_for, b01_agreement, b02_agreement):
    response = api_for(cast.b01_officer).get(f"{API}agreements/", {"jurisdiction": org.b02.pk})
    assert _ids(response) == []


def test_institution_status_filter(org, cast, api_for, b01_agreement):
    suspended = AgreementFactory(institution__jurisdiction=org.b01, status=Agreement.Status.SUSPENDED)
    response = api_for(cast.b01_officer).get(f"{API}institutions/", {"status": "suspended"})
    assert _ids(response) == [suspended.institution_id]


def test_agreement_status_filter(org, cast, api_for, b01_agreement):
    terminated = AgreementFactory(institution__jurisdiction=org.b01, status=Agreement.Status.TERMINATED)
    response = api_for(cast.b01_officer).get(f"{API}agreements/", {"status": "terminated"})
    assert _ids(response) == [terminated.pk]


def test_institution_text_search(org, cast, api_for, b01_institution):
    pharmacy = InstitutionFactory(jurisdiction=org.b01, name="东湖益丰大药房", kind="pharmacy", level="")
    response = api_for(cast.b01_officer).get(f"{API}institutions/", {"q": "益丰"})
    assert _ids(response) == [pharmacy.pk]


def test_text_search_does_not_reach_out_of_scope(org, cast, api_for, b02_institution):
    response = api_for(cast.b01_officer).get(f"{API}institutions/", {"q": b02_institution.name})
    assert _ids(response) == []


def test_agreement_text_search_by_number(org, cast, api_for, b01_agreement):
    AgreementFactory(institution__jurisdiction=org.b01)
    response = api_for(cast.b01_officer).get(f"{API}agreements/", {"q": b01_agreement.number})
    assert _ids(response) == [b01_agreement.pk]


def test_agreement_institution_filter(org, cast, api_for, b01_agreement):
    AgreementFactory(institution__jurisdiction=org.b01)
    response = api_for(cast.b01_officer).get(f"{API}agreements/", {"institution": b01_agreement.institution_id})
    assert _ids(response) == [b01_agreement.pk]


def test_invalid_filter_value_is_400(cast, api_for):
    response = api_for(cast.b01_officer).get(f"{API}institutions/", {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.json()


# --- Schema and docs -----------------------------------------------------------------------------------


def test_schema_is_openapi_3_and_lists_resources(cast, api_for):
    response = api_for(cast.b01_officer).get(f"{API}schema/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith("openapi: 3")
    assert "/api/v1/institutions/" in content
    assert "/api/v1/agreements/" in content


def test_docs_page_is_served(cast, api_for):
    response = api_for(cast.b01_officer).get(f"{API}docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_put_with_the_full_representation_changes_name(cast, api_for, b01_institution):
    api = api_for(cast.b01_chief)
    body = api.get(f"{API}institutions/{b01_institution.pk}/").json()
    body["name"] = "东湖区人民医院"
    response = api.put(f"{API}institutions/{b01_institution.pk}/", body, format="json")
    assert response.status_code == 200
    assert Institution.objects.get(pk=b01_institution.pk).name == "东湖区人民医院"


def test_patch_code_is_400(cast, api_for, b01_institution):
    response = api_for(cast.b01_chief).patch(
        f"{API}institutions/{b01_institution.pk}/", {"code": "H77777777777"}, format="json"
    )
    assert response.status_code == 400
    assert "code" in response.json()
    assert Institution.objects.get(pk=b01_institution.pk).code == b01_institution.code


def test_agreement_end_date_range_filter(org, cast, api_for, b01_agreement):
    later = AgreementFactory(institution__jurisdiction=org.b01, valid_to="2030-06-30")
    response = api_for(cast.b01_officer).get(
        f"{API}agreements/", {"valid_to_after": "2030-01-01", "valid_to_before": "2030-12-31"}
    )
    assert _ids(response) == [later.pk]
