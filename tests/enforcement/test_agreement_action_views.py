"""HTML pages of agreement actions (协议处理): list, detail, proposing, and the POST-only approve, reject and
apply steps."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_propose,
)
from supervision.org.models import AuditEvent
from supervision.register.models import Agreement
from tests.factories import AgreementActionFactory, CaseFactory
from tests.supervision.helpers import assert_login_redirect, page_body

A = AgreementAction
MISSING_PK = 987654
LIST_URL = reverse("enforcement:agreementaction-list")
CREATE_URL = reverse("enforcement:agreementaction-create")


def url(name, measure):
    return reverse(f"enforcement:agreementaction-{name}", args=[measure.pk])


def state_of(measure) -> str:
    return AgreementAction.objects.get(pk=measure.pk).state


def audit_count(measure) -> int:
    return AuditEvent.objects.for_object(measure).count()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def b01_measure(cast, b01_agreement):
    """A proposed interview (约谈) at a B01 institution, proposed by the B01 fund officer."""
    return agreement_action_propose(
        by=cast.b01_fund, institution=b01_agreement.institution, kind=A.Kind.INTERVIEW, grounds="结算数据异常"
    )


@pytest.fixture
def b02_measure(cast, b02_agreement):
    return AgreementActionFactory(agreement=b02_agreement)


# --- List ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["b01_fund", "b01_chief", "b01_officer", "auditor", "director"])
def test_list_opens_for_staff(cast, client_for, b01_measure, username):
    assert client_for(cast[username]).get(LIST_URL).status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_list_is_forbidden_without_a_staff_role(cast, client_for, username):
    assert client_for(cast[username]).get(LIST_URL).status_code == 403


def test_list_redirects_anonymous_to_login(client, db):
    assert_login_redirect(client.get(LIST_URL), LIST_URL)


def test_list_shows_only_measures_in_scope(cast, client_for, b01_measure, b02_measure):
    assert list(client_for(cast.b02_chief).get(LIST_URL).context["object_list"]) == [b02_measure]
    assert list(client_for(cast.b01_fund).get(LIST_URL).context["object_list"]) == [b01_measure]


def test_list_filters_by_kind_and_state(cast, client_for, b01_measure, b01_agreement):
    suspension = AgreementActionFactory(
        agreement=b01_agreement, kind=A.Kind.SUSPEND, state=A.State.APPROVED, starts_on=timezone.localdate()
    )
    client = client_for(cast.b01_chief)
    assert list(client.get(LIST_URL, {"kind": "suspend"}).context["object_list"]) == [suspension]
    assert list(client.get(LIST_URL, {"state": "proposed"}).context["object_list"]) == [b01_measure]


# --- Detail --------------------------------------------------------------------------------------------


def test_detail_opens_in_scope(cast, client_for, b01_measure):
    response = client_for(cast.b01_officer).get(url("detail", b01_measure))
    assert response.status_code == 200
    assert "结算数据异常" in response.content.decode()


def test_detail_is_404_out_of_scope_like_missing(cast, client_for, b01_measure):
    client = client_for(cast.b02_chief)
    out_url = url("detail", b01_measure)
    missing_url = reverse("enforcement:agreementaction-detail", args=[MISSING_PK])
    out_of_scope, missing = client.get(out_url), client.get(missing_url)
    assert out_of_scope.status_code == missing.status_code == 404
    assert page_body(out_of_scope, out_url) == page_body(missing, missing_url)


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_detail_is_forbidden_without_a_staff_role(cast, client_for, b01_measure, username):
    assert client_for(cast[username]).get(url("detail", b01_measure)).status_code == 403


@pytest.mark.parametrize(
    ("username", "approve", "reject", "apply"),
    [
        ("b01_chief", True, True, False),
        ("director", True, True, False),
        ("b01_fund", False, False, False),  # the proposer, and not an approver
        ("b01_officer", False, False, False),
    ],
)
def test_detail_offers_the_steps_each_role_may_take(cast, client_for, b01_measure, username, approve, reject, apply):
    context = client_for(cast[username]).get(url("detail", b01_measure)).context
    assert (context["can_approve"], context["can_reject"], context["can_apply"]) == (approve, reject, apply)


def test_detail_offers_apply_once_approved(cast, client_for, b01_measure):
    agreement_action_approve(action=b01_measure, by=cast.b01_chief)
    context = client_for(cast.b01_fund).get(url("detail", b01_measure)).context
    assert (context["can_approve"], context["can_apply"]) == (False, True)
    assert url("apply", b01_measure) in client_for(cast.b01_fund).get(url("detail", b01_measure)).content.decode()


def test_chief_does_not_approve_a_termination_twice(cast, client_for, b01_agreement):
    case = CaseFactory(institution=b01_agreement.institution)
    termination = agreement_action_propose(
        by=cast.b01_fund,
        institution=b01_agreement.institution,
        kind=A.Kind.TERMINATE,
        grounds="欺诈骗保",
        starts_on=timezone.localdate(),
        case=case,
        termination_ground="confirmed-fraud",  # a termination names its ground and evidence (issue 14)
        evidence="行政处罚决定书",
    )
    agreement_action_approve(action=termination, by=cast.b01_chief)
    assert client_for(cast.b01_chief).get(url("detail", termination)).context["can_approve"] is False
    assert client_for(cast.director).get(url("detail", termination)).context["can_approve"] is True


def _suspend_in_the_past(cast, agreement, days_ago):
    today = timezone.localdate()
    action = agreement_action_propose(
        by=cast.b01_fund,
        institution=agreement.institution,
        kind=A.Kind.SUSPEND,
        grounds="违规结算",
        starts_on=today - timedelta(days=days_ago),
        ends_on=today - timedelta(days=days_ago - 30),
    )
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    return agreement_action_apply(action=action, by=cast.b01_fund)


def test_termination_page_says_whether_two_suspensions_make_it_eligible(cast, client_for, b01_agreement):
    termination = AgreementActionFactory(
        agreement=b01_agreement, kind=A.Kind.TERMINATE, starts_on=timezone.localdate(), proposed_by=cast.b01_fund
    )
    client = client_for(cast.b01_chief)
    context = client.get(url("detail", termination)).context
    assert (context["suspensions"], context["termination_grounds"]) == (0, [])
    _suspend_in_the_past(cast, b01_agreement, 200)
    _suspend_in_the_past(cast, b01_agreement, 100)
    response = client.get(url("detail", termination))
    assert response.context["suspensions"] == 2
    assert response.context["termination_grounds"]
    assert response.context["termination_grounds"][0] in response.content.decode()


# --- Proposing -----------------------------------------------------------------------------------------


def _propose_data(institution, **overrides):
    data = {"institution": institution.pk, "kind": "interview", "grounds": "结算数据异常，约谈负责人", "amount": "0"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("username", ["b01_fund", "b01_chief", "b01_officer", "fund_officer"])
def test_propose_page_opens_for_proposers(cast, client_for, username):
    assert client_for(cast[username]).get(CREATE_URL).status_code == 200


@pytest.mark.parametrize("username", ["auditor", "analyst", "legal", "supervisor"])
def test_propose_page_is_forbidden_to_others(cast, client_for, username):
    assert client_for(cast[username]).get(CREATE_URL).status_code == 403


def test_propose_creates_a_proposed_measure(cast, client_for, b01_agreement):
    response = client_for(cast.b01_fund).post(CREATE_URL, _propose_data(b01_agreement.institution))
    measure = AgreementAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == measure.get_absolute_url()
    assert (measure.state, measure.agreement, measure.proposed_by) == ("proposed", b01_agreement, cast.b01_fund)
    assert audit_count(measure) == 1


def test_propose_maps_model_errors_to_fields_and_writes_nothing(cast, client_for, b01_agreement):
    data = _propose_data(b01_agreement.institution, kind="suspend", starts_on=timezone.localdate().isoformat())
    response = client_for(cast.b01_fund).post(CREATE_URL, data)
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert not AgreementAction.objects.exists()


def test_propose_refuses_an_institution_out_of_scope(cast, client_for, b02_agreement):
    response = client_for(cast.b01_fund).post(CREATE_URL, _propose_data(b02_agreement.institution))
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not AgreementAction.objects.exists()


def test_propose_from_a_case_links_the_case(cast, client_for, b01_agreement):
    case = CaseFactory(institution=b01_agreement.institution)
    client = client_for(cast.b01_fund)
    assert client.get(CREATE_URL, {"case": case.pk}).context["form"].initial["institution"] == case.institution_id
    client.post(f"{CREATE_URL}?case={case.pk}", _propose_data(b01_agreement.institution))
    assert AgreementAction.objects.get().case == case


def test_propose_from_a_case_out_of_scope_is_404(cast, client_for, b02_agreement):
    case = CaseFactory(institution=b02_agreement.institution)
    assert client_for(cast.b01_fund).get(CREATE_URL, {"case": case.pk}).status_code == 404


# --- Approve, reject, apply (POST only) ----------------------------------------------------------------


def test_approve_moves_the_state_and_writes_audit(cast, client_for, b01_measure):
    before = audit_count(b01_measure)
    response = client_for(cast.b01_chief).post(url("approve", b01_measure), {"comment": "同意约谈"})
    assert response.status_code == 302
    assert response["Location"] == b01_measure.get_absolute_url()
    measure = AgreementAction.objects.get(pk=b01_measure.pk)
    assert (measure.state, measure.chief_approved_by, measure.decided_comment) == (
        "approved",
        cast.b01_chief,
        "同意约谈",
    )
    assert audit_count(b01_measure) == before + 1


@pytest.mark.parametrize("step", ["approve", "reject", "apply"])
def test_steps_are_post_only(cast, client_for, b01_measure, step):
    assert client_for(cast.b01_chief).get(url(step, b01_measure)).status_code == 405
    assert state_of(b01_measure) == "proposed"


@pytest.mark.parametrize(
    ("step", "username"), [("approve", "b01_fund"), ("reject", "b01_officer"), ("apply", "auditor")]
)
def test_steps_by_a_role_that_may_not_take_them_are_403(cast, client_for, b01_measure, step, username):
    before = audit_count(b01_measure)
    assert client_for(cast[username]).post(url(step, b01_measure), {"comment": "x"}).status_code == 403
    assert (state_of(b01_measure), audit_count(b01_measure)) == ("proposed", before)


@pytest.mark.parametrize("step", ["approve", "reject", "apply"])
def test_steps_out_of_scope_are_404(cast, client_for, b01_measure, step):
    assert client_for(cast.b02_chief).post(url(step, b01_measure), {"comment": "x"}).status_code == 404
    assert state_of(b01_measure) == "proposed"


def test_nobody_approves_their_own_proposal(cast, client_for, b01_agreement):
    measure = agreement_action_propose(
        by=cast.b01_chief, institution=b01_agreement.institution, kind=A.Kind.INTERVIEW, grounds="约谈"
    )
    assert client_for(cast.b01_chief).post(url("approve", measure)).status_code == 403
    assert state_of(measure) == "proposed"


def test_reject_needs_a_reason_and_writes_nothing_without_one(cast, client_for, b01_measure):
    before = audit_count(b01_measure)
    response = client_for(cast.b01_chief).post(url("reject", b01_measure), {"comment": "  "})
    assert response.status_code == 302
    assert messages_of(response)
    assert (state_of(b01_measure), audit_count(b01_measure)) == ("proposed", before)
    client_for(cast.b01_chief).post(url("reject", b01_measure), {"comment": "依据不足"})
    assert state_of(b01_measure) == "rejected"


def test_apply_before_approval_is_refused_with_a_message(cast, client_for, b01_measure):
    before = audit_count(b01_measure)
    response = client_for(cast.b01_fund).post(url("apply", b01_measure))
    assert response.status_code == 302
    assert messages_of(response)
    assert (state_of(b01_measure), audit_count(b01_measure)) == ("proposed", before)


def test_applying_a_suspension_suspends_the_agreement(cast, client_for, b01_agreement):
    today = timezone.localdate()
    suspension = agreement_action_propose(
        by=cast.b01_fund,
        institution=b01_agreement.institution,
        kind=A.Kind.SUSPEND,
        grounds="违规结算",
        starts_on=today,
        ends_on=today + timedelta(days=90),
    )
    client_for(cast.b01_chief).post(url("approve", suspension))
    response = client_for(cast.b01_fund).post(url("apply", suspension))
    assert response.status_code == 302
    assert state_of(suspension) == "applied"
    assert Agreement.objects.get(pk=b01_agreement.pk).status == Agreement.Status.SUSPENDED


def _list_queries(client, rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST_URL)
    assert len(response.context["object_list"]) == rows
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(org, cast, client):
    client.force_login(cast.b01_fund)
    AgreementActionFactory(agreement__institution__jurisdiction=org.b01)
    one = _list_queries(client, 1)
    for _ in range(49):
        AgreementActionFactory(agreement__institution__jurisdiction=org.b01)
    fifty = _list_queries(client, 50)
    assert one == fifty, f"{one} queries with 1 measure, {fifty} with 50"
