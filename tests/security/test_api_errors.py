"""Issue 13, finding 6: the API answers JSON for every error, refuses invalid filter values with a 400
naming the parameter, documents its error responses, and its enums hold what it returns."""

import pytest
from rest_framework.test import APIClient

from tests.enforcement.test_api_cases import open_case

API = "/api/v1/"


@pytest.mark.parametrize(
    "path",
    ["cases/0.5/actions/", "cases/abc/", "no-such-resource/", "leads/1.5/", "cases/1/documents/x/download/"],
)
def test_routing_404_is_json(cast, api_for, path):
    response = api_for(cast.director).get(f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_405_is_json(cast, api_for):
    response = api_for(cast.director).delete(f"{API}assessments/score/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_anonymous_routing_404_is_json(db):
    response = APIClient().get(f"{API}cases/0.5/actions/")
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"page_size": "true"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"state": "not-a-state"}, "state"),
        ({"jurisdiction": "abc"}, "jurisdiction"),
    ],
)
def test_invalid_case_filters_are_400_naming_the_parameter(cast, api_for, query, parameter):
    response = api_for(cast.director).get(f"{API}cases/", query)
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("value", ["-2.1e-243", "2021.5", "1e400", "99999999999999999999999"])
def test_a_year_must_be_a_whole_number(cast, api_for, value):
    response = api_for(cast.director).get(f"{API}credit/ratings/", {"year": value})
    assert response.status_code == 400
    assert "year" in response.json()


def test_valid_filters_still_work(cast, api_for):
    assert api_for(cast.director).get(f"{API}credit/ratings/", {"year": "2026", "page_size": "500"}).status_code == 200


@pytest.mark.parametrize("status", ["not-a-status"])
def test_invalid_status_on_leads_is_400(cast, api_for, status):
    response = api_for(cast.director).get(f"{API}leads/", {"status": status})
    assert response.status_code == 400
    assert "status" in response.json()


@pytest.fixture
def schema(cast, api_for):
    response = api_for(cast.director).get(f"{API}schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_documents_the_error_responses(schema):
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"400", "403", "404"} | ({"401"} if path != "/api/v1/auth/token/" else set())
            if method != "get":
                expected.add("409")
            if not expected <= codes:
                missing.append((method, path, sorted(expected - codes)))
    assert not missing


def _enum_values(schema, name):
    component = schema["components"]["schemas"][name]
    return component.get("enum", [])


def test_blank_outcome_and_event_state_are_in_the_schema(schema, cast, api_for, b01_institution):
    """`outcome: ""` (undecided case) and an event's `from_state: ""` (opening) fell outside their enums."""
    case = open_case(cast, b01_institution)
    api = api_for(cast.director)
    assert api.get(f"{API}cases/{case.pk}/").json()["outcome"] == ""
    assert api.get(f"{API}cases/{case.pk}/events/").json()["results"][0]["from_state"] == ""
    case_schema = schema["components"]["schemas"]["Case"]["properties"]
    event_schema = schema["components"]["schemas"]["CaseEvent"]["properties"]
    for prop in (case_schema["outcome"], event_schema["from_state"]):
        refs = [item.get("$ref", "") for item in prop.get("oneOf", [])]
        assert "#/components/schemas/BlankEnum" in refs, prop
