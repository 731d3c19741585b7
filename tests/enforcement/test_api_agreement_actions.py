"""REST API agreement-actions/ (contract §REST API): shapes, proposing, approve / reject / apply with
400/403/404/409, scope, filters and the list's query budget."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import agreement_action_approve, agreement_action_propose
from supervision.register.models import Agreement
from tests.enforcement.conftest import termination_defaults
from tests.factories import AgreementActionFactory, AgreementFactory, CaseFactory, InstitutionFactory

API = "/api/v1/agreement-actions/"
CONTRACT_FIELDS = {"id", "kind", "institution", "agreement", "state", "starts_on", "ends_on"}


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def propose(user, institution, kind="interview", **kwargs) -> AgreementAction:
    kwargs.setdefault("grounds", "多次违规收费")
    if kind == "terminate":
        termination_defaults(kwargs)
    return agreement_action_propose(by=user, institution=institution, kind=kind, **kwargs)


def suspend_body(institution, **extra):
    return {
        "kind": "suspend",
        "institution": institution.pk,
        "grounds": "拒不整改",
        "starts_on": str(in_days(0)),
        "ends_on": str(in_days(90)),
        **extra,
    }


# --- Shapes and proposing ---------------------------------------------------------------------------------


def test_list_item_has_the_contract_fields(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution)
    body = api_for(cast.b01_officer).get(API).json()
    assert set(body) == {"count", "next", "previous", "results"}
    item = body["results"][0]
    assert CONTRACT_FIELDS | {"grounds", "amount", "case"} <= set(item)
    assert (item["id"], item["kind"], item["state"]) == (action.pk, "interview", "proposed")
    assert (item["institution"], item["agreement"]) == (b01_agreement.institution_id, b01_agreement.pk)
    assert item["amount"] == "0.00"
    assert (item["starts_on"], item["ends_on"], item["case"]) == (None, None, None)
    assert api_for(cast.b01_officer).get(f"{API}{action.pk}/").json() == item


def test_fund_officer_proposes_a_suspension(cast, api_for, b01_agreement):
    response = api_for(cast.b01_fund).post(API, suspend_body(b01_agreement.institution), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    action = AgreementAction.objects.get(pk=body["id"])
    assert (body["state"], body["agreement"], body["jurisdiction"]) == (
        "proposed",
        b01_agreement.pk,  # the institution's current agreement by default
        b01_agreement.jurisdiction_id,
    )
    assert (body["starts_on"], body["ends_on"]) == (str(in_days(0)), str(in_days(90)))
    assert action.proposed_by == cast.b01_fund


def test_proposal_may_name_a_related_case(cast, api_for, b01_agreement):
    case = CaseFactory(institution=b01_agreement.institution)
    body = {"kind": "recover", "institution": b01_agreement.institution_id, "grounds": "追回", "amount": "1500.50",
            "case": case.pk}  # fmt: skip
    response = api_for(cast.b01_chief).post(API, body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["case"], response.json()["amount"]) == (case.pk, "1500.50")


def test_institution_outside_scope_is_400_naming_institution(cast, api_for, b02_agreement):
    response = api_for(cast.b01_fund).post(API, suspend_body(b02_agreement.institution), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"institution"}
    assert not AgreementAction.objects.exists()


def test_a_case_about_another_institution_is_400_naming_case(org, cast, api_for, b01_agreement):
    other = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01))
    body = {"kind": "interview", "institution": b01_agreement.institution_id, "grounds": "约谈", "case": other.pk}
    response = api_for(cast.b01_chief).post(API, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"case"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": None}, "ends_on"),  # a suspension needs both dates
        ({"grounds": ""}, "grounds"),
        ({"kind": "recover"}, "amount"),  # recovering needs the amount
        ({"kind": "banish"}, "kind"),
    ],
)
def test_invalid_proposal_is_400_naming_the_field(cast, api_for, b01_agreement, changes, field):
    body = {k: v for k, v in {**suspend_body(b01_agreement.institution), **changes}.items() if v is not None}
    response = api_for(cast.b01_fund).post(API, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_institution_without_an_agreement_is_400_naming_agreement(cast, api_for, b01_institution):
    body = {"kind": "interview", "institution": b01_institution.pk, "grounds": "约谈"}
    response = api_for(cast.b01_fund).post(API, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"agreement"}


@pytest.mark.parametrize("username", ["legal", "analyst", "auditor", "director"])
def test_staff_without_the_proposing_role_get_403(cast, api_for, b01_agreement, username):
    response = api_for(cast[username]).post(API, suspend_body(b01_agreement.institution), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_supervisors_and_users_without_a_staff_role_get_403(cast, api_for, b01_agreement, username):
    action = propose(cast.b01_fund, b01_agreement.institution)
    api = api_for(cast[username])
    assert api.get(API).status_code == 403
    assert api.get(f"{API}{action.pk}/").status_code == 403
    assert api.post(API, suspend_body(b01_agreement.institution), format="json").status_code == 403
    assert api.post(f"{API}{action.pk}/approve/").status_code == 403


# --- Approve, reject, apply --------------------------------------------------------------------------------


def test_chief_approves_and_fund_officer_applies_a_suspension(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution, kind="suspend", starts_on=in_days(0),
                     ends_on=in_days(90))  # fmt: skip
    response = api_for(cast.b01_chief).post(f"{API}{action.pk}/approve/", {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["chief_approved_by"]) == ("approved", cast.b01_chief.pk)

    response = api_for(cast.b01_fund).post(f"{API}{action.pk}/apply/")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "applied"
    b01_agreement.refresh_from_db()
    assert b01_agreement.status == Agreement.Status.SUSPENDED


def test_termination_needs_the_director_after_the_chief(cast, api_for, b01_agreement):
    case = CaseFactory(institution=b01_agreement.institution)
    action = propose(cast.b01_fund, b01_agreement.institution, kind="terminate", starts_on=in_days(1), case=case)
    assert api_for(cast.b01_chief).post(f"{API}{action.pk}/approve/").json()["state"] == "chief_approved"
    response = api_for(cast.director).post(f"{API}{action.pk}/approve/", {"comment": "同意解除"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["director_approved_by"]) == ("approved", cast.director.pk)


def test_a_chief_approving_a_termination_twice_is_403(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution, kind="terminate", starts_on=in_days(1),
                     case=CaseFactory(institution=b01_agreement.institution))  # fmt: skip
    api = api_for(cast.b01_chief)
    api.post(f"{API}{action.pk}/approve/")
    assert api.post(f"{API}{action.pk}/approve/").status_code == 403


@pytest.mark.parametrize(("username", "route"), [("b01_officer", "approve"), ("b01_fund", "approve"),
                                                 ("b01_officer", "reject"), ("b01_officer", "apply"),
                                                 ("legal", "apply")])  # fmt: skip
def test_wrong_role_is_403(cast, api_for, b01_agreement, username, route):
    action = propose(cast.b01_chief, b01_agreement.institution)
    response = api_for(cast[username]).post(f"{API}{action.pk}/{route}/", {"comment": "x"}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert AgreementAction.objects.get(pk=action.pk).state == "proposed"


def test_nobody_approves_their_own_proposal(cast, api_for, b01_agreement):
    action = propose(cast.b01_chief, b01_agreement.institution)
    response = api_for(cast.b01_chief).post(f"{API}{action.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.parametrize("route", ["approve", "reject"])
def test_deciding_twice_is_409(cast, api_for, b01_agreement, route):
    action = propose(cast.b01_fund, b01_agreement.institution)
    agreement_action_approve(action=action, by=cast.b01_chief)
    response = api_for(cast.b01_chief).post(f"{API}{action.pk}/{route}/", {"comment": "再次"}, format="json")
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}


def test_applying_before_approval_is_409(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution)
    response = api_for(cast.b01_fund).post(f"{API}{action.pk}/apply/")
    assert response.status_code == 409
    assert AgreementAction.objects.get(pk=action.pk).state == "proposed"


def test_reject_needs_a_reason(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution)
    api = api_for(cast.b01_chief)
    response = api.post(f"{API}{action.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"comment"}
    response = api.post(f"{API}{action.pk}/reject/", {"comment": "依据不足"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["decided_comment"]) == ("rejected", "依据不足")


def test_an_approval_the_service_refuses_is_400(cast, api_for, b01_agreement):
    # Terminating without two suspensions in the term or a related case has no legal ground.
    action = propose(cast.b01_fund, b01_agreement.institution, kind="terminate", starts_on=in_days(1))
    assert api_for(cast.b01_chief).post(f"{API}{action.pk}/approve/").status_code == 200  # the chief's signature
    response = api_for(cast.director).post(f"{API}{action.pk}/approve/")
    assert response.status_code == 400
    assert set(response.json()) == {"kind"}


# --- Scope --------------------------------------------------------------------------------------------------


def test_list_shows_only_actions_in_scope(cast, api_for, b01_agreement, b02_agreement):
    mine = propose(cast.b01_fund, b01_agreement.institution)
    theirs = propose(cast.b02_chief, b02_agreement.institution)
    ids = lambda user: {item["id"] for item in api_for(user).get(API).json()["results"]}  # noqa: E731
    assert ids(cast.b01_chief) == {mine.pk}
    assert ids(cast.b02_officer) == {theirs.pk}
    assert ids(cast.fund_officer) == {mine.pk, theirs.pk}


def test_out_of_scope_is_404_with_the_same_body_as_a_missing_one(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution)
    api = api_for(cast.b02_chief)
    missing = api.get(f"{API}987654/")
    assert missing.status_code == 404
    for response in (
        api.get(f"{API}{action.pk}/"),
        api.post(f"{API}{action.pk}/approve/"),
        api.post(f"{API}{action.pk}/reject/", {"comment": "x"}, format="json"),
        api.get(f"{API}{action.pk}/approve/"),
        api.post(f"{API}987654/approve/"),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert AgreementAction.objects.get(pk=action.pk).state == "proposed"


def test_get_on_a_post_only_route_is_405_in_scope(cast, api_for, b01_agreement):
    action = propose(cast.b01_fund, b01_agreement.institution)
    for route in ("approve", "reject", "apply"):
        assert api_for(cast.b01_officer).get(f"{API}{action.pk}/{route}/").status_code == 405


# --- Filters and query budget -------------------------------------------------------------------------------


def test_filters(org, cast, api_for, b01_agreement, b02_agreement):
    interview = propose(cast.b01_fund, b01_agreement.institution)
    suspension = propose(cast.b01_fund, b01_agreement.institution, kind="suspend", starts_on=in_days(10),
                         ends_on=in_days(40))  # fmt: skip
    agreement_action_approve(action=suspension, by=cast.b01_chief)
    other = propose(cast.b02_chief, b02_agreement.institution, grounds="串换药品")
    api = api_for(cast.director)

    def ids(**params):
        response = api.get(API, params)
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["results"]}

    assert ids() == {interview.pk, suspension.pk, other.pk}
    assert ids(kind="suspend") == {suspension.pk}
    assert ids(state="approved") == {suspension.pk}
    assert ids(status="proposed") == {interview.pk, other.pk}
    assert ids(institution=b02_agreement.institution_id) == {other.pk}
    assert ids(jurisdiction=org.b01.pk) == {interview.pk, suspension.pk}
    assert ids(q="串换") == {other.pk}
    assert ids(starts_on_after=str(in_days(5))) == {suspension.pk}


def _list_queries(client, expected_rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(API)
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_rows
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(org, cast, client):
    client.force_login(cast.b01_fund)
    AgreementActionFactory(agreement=AgreementFactory(institution=InstitutionFactory(jurisdiction=org.b01)))
    one = _list_queries(client, 1)
    for _ in range(49):
        AgreementActionFactory(agreement=AgreementFactory(institution=InstitutionFactory(jurisdiction=org.b01)))
    fifty = _list_queries(client, 50)
    assert one == fifty, f"{one} queries with 1 action, {fifty} with 50"
