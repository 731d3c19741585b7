"""批量批准立案 (issue 16): the chief approves the filing of several cases at once through ``portal.bulk`` —
all or nothing, each case audited on its own, out of scope read as not found, on the page and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.cases.models import Case, CaseEvent, CaseState
from enforcement.cases.procedure import TABLE
from enforcement.cases.services import case_act, cases_act_many
from enforcement.rewards.transitions import TRANSITIONS as REWARD_TRANSITIONS
from portal import bulk
from supervision.leads.transitions import TRANSITIONS as LEAD_TRANSITIONS
from supervision.org.models import AuditEvent
from tests.factories import CaseFactory

API = "/api/v1/cases/bulk-approve-filing/"
PAGE = reverse("enforcement:case-bulk-approve-filing")
RESULT = reverse("enforcement:case-bulk-result")


@pytest.fixture
def ready(driver):
    """Three B01 cases in filing, opened by an officer, each with two certified officers assigned."""

    def make(n=3):
        cases = []
        for i in range(n):
            case = driver.open(title=f"第{i + 1}家医院过度诊疗案")
            case_act(
                case=case, action="assign_officers", by=driver.chief, data={"officers": [driver.o1.pk, driver.o2.pk]}
            )
            cases.append(case)
        return cases

    return make


def audit_rows(cases, verb="approve_filing"):
    return AuditEvent.objects.filter(verb=verb, object_id__in=[str(c.pk) for c in cases]).count()


def states(cases):
    return set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True))


def test_only_steps_marked_batchable_may_be_taken_in_bulk():
    assert [t.name for t in TABLE.batchable()] == ["approve_filing"]
    assert [t.name for t in LEAD_TRANSITIONS.batchable()] == ["dispatch"]
    assert [t.name for t in REWARD_TRANSITIONS.batchable()] == ["approve"]
    # A penalty decision needs its own reasoning for each case: never batched.
    assert not bulk.is_batchable(TABLE, "decide")
    with pytest.raises(ValueError):
        bulk.bulk_transition(TABLE, "decide", ids=[1], queryset=Case.objects.all(), step=lambda case: case)


def test_each_case_is_approved_and_audited_on_its_own(cast, ready):
    cases = ready(3)
    report = cases_act_many(ids=[c.pk for c in cases], action="approve_filing", by=cast.b01_chief, comment="同意")
    assert [item.ok for item in report.items] == [True, True, True]
    assert states(cases) == {CaseState.INVESTIGATING}
    assert audit_rows(cases) == 3
    assert CaseEvent.objects.filter(case__in=cases, action="approve_filing", comment="同意").count() == 3
    assert all(c.filed_on and c.decision_due for c in Case.objects.filter(pk__in=[c.pk for c in cases]))


def test_one_refused_case_means_nothing_changes_and_no_audit_row(cast, ready, driver, b01_institution):
    cases = ready(2)
    no_team = driver.open(title="未分配办案人员的案件")  # fails the two-certified-officers rule
    ids = [cases[0].pk, no_team.pk, cases[1].pk]
    before = AuditEvent.objects.count()
    with pytest.raises(bulk.BulkRefused) as refused:
        cases_act_many(ids=ids, action="approve_filing", by=cast.b01_chief)
    assert [pk for pk, _message in refused.value.report] == [no_team.pk]
    assert "two officers" in refused.value.report[0][1] or "两名" in refused.value.report[0][1]
    assert [item.ok for item in refused.value.outcome.items] == [True, False, True]
    assert states([*cases, no_team]) == {CaseState.FILING}
    assert AuditEvent.objects.count() == before
    assert not CaseEvent.objects.filter(case__in=cases, action="approve_filing").exists()
    assert Case.objects.get(pk=cases[0].pk).filed_on is None


def test_out_of_scope_reads_exactly_like_missing(cast, ready, b02_institution):
    cases = ready(1)
    foreign = CaseFactory(institution=b02_institution)
    missing = foreign.pk + 10_000
    with pytest.raises(bulk.BulkRefused) as refused:
        cases_act_many(ids=[cases[0].pk, foreign.pk, missing], action="approve_filing", by=cast.b01_chief)
    messages = dict(refused.value.report)
    assert set(messages) == {foreign.pk, missing}
    assert messages[foreign.pk] == messages[missing]
    assert states(cases) == {CaseState.FILING}
    assert Case.objects.get(pk=foreign.pk).state == CaseState.FILING


def test_a_role_that_may_not_approve_is_refused_for_each_case(cast, ready):
    cases = ready(2)
    with pytest.raises(bulk.BulkRefused) as refused:  # an officer may not approve filings at all
        cases_act_many(ids=[c.pk for c in cases], action="approve_filing", by=cast.b01_officer)
    assert [pk for pk, _message in refused.value.report] == [c.pk for c in cases]
    assert states(cases) == {CaseState.FILING}


def test_input_is_checked_before_anything(cast, ready):
    with pytest.raises(bulk.ValidationError) as empty:
        cases_act_many(ids=[], action="approve_filing", by=cast.b01_chief)
    assert "ids" in empty.value.message_dict
    with pytest.raises(bulk.ValidationError) as many:
        cases_act_many(ids=list(range(1, bulk.BULK_MAX + 2)), action="approve_filing", by=cast.b01_chief)
    assert "ids" in many.value.message_dict
    with pytest.raises(bulk.ValidationError):
        cases_act_many(ids=[1], action="decide", by=cast.b01_chief)


def test_queries_grow_by_a_fixed_amount_per_case(cast, ready):
    cases = ready(7)

    def cost(chosen):
        with CaptureQueriesContext(connection) as ctx:
            cases_act_many(ids=[c.pk for c in chosen], action="approve_filing", by=cast.b01_chief)
        return len(ctx.captured_queries)

    cost(cases[:1])  # warm the user's role cache
    one, two, three = cost(cases[1:2]), cost(cases[2:4]), cost(cases[4:7])
    # Each further case costs the same fixed number of queries: the scope is looked up once, not per case.
    assert three - two == two - one > 0
    assert two - one < one


# --- API --------------------------------------------------------------------------------------------------


def test_api_approves_all_or_reports_each_refusal(cast, api_for, ready, b02_institution):
    cases = ready(2)
    foreign = CaseFactory(institution=b02_institution)
    api = api_for(cast.b01_chief)
    refused = api.post(API, {"ids": [cases[0].pk, foreign.pk]}, format="json")
    assert refused.status_code == 409
    assert [(e["id"], e["ok"]) for e in refused.json()["errors"]] == [(foreign.pk, False)]
    assert refused.json()["errors"][0]["number"] == ""  # nothing about the foreign case leaks
    assert states(cases) == {CaseState.FILING}
    done = api.post(API, {"ids": [c.pk for c in cases], "comment": "同意立案"}, format="json")
    assert done.status_code == 200, done.json()
    assert [r["state"] for r in done.json()["results"]] == ["investigating", "investigating"]
    assert audit_rows(cases) == 2


def test_api_names_the_bad_field_and_caps_the_ids(cast, api_for):
    api = api_for(cast.b01_chief)
    assert "ids" in api.post(API, {"ids": []}, format="json").json()
    assert "ids" in api.post(API, {"ids": ["x"]}, format="json").json()
    too_many = api.post(API, {"ids": list(range(1, 102))}, format="json")
    assert too_many.status_code == 400 and "ids" in too_many.json()
    assert api_for(cast.b01_officer).post(API, {"ids": [1]}, format="json").status_code == 403


# --- Pages ------------------------------------------------------------------------------------------------


def test_queue_ticks_confirm_page_and_result(cast, client_for, ready):
    cases = ready(2)
    client = client_for(cast.b01_chief)
    listing = client.get(reverse("enforcement:case-list") + "?queue=approval").content.decode()
    assert 'form="bulk-approve"' in listing and f'value="{cases[0].pk}"' in listing
    assert 'form="bulk-approve"' not in client.get(reverse("enforcement:case-list")).content.decode()
    confirm = client.get(PAGE, {"ids": [c.pk for c in cases]}).content.decode()
    assert cases[0].number in confirm and cases[1].title in confirm
    assert states(cases) == {CaseState.FILING}  # the confirmation page changes nothing
    response = client.post(PAGE, {"ids": [c.pk for c in cases], "comment": "同意"})
    assert response.status_code == 302 and response.url == RESULT
    assert states(cases) == {CaseState.INVESTIGATING}
    result = client.get(RESULT)
    assert result.status_code == 200
    assert cases[0].number in result.content.decode()
    assert client.get(RESULT).status_code == 200  # a reload reads the result again, nothing is done twice
    assert audit_rows(cases) == 2


def test_page_result_lists_the_refused_case(cast, client_for, ready, driver):
    cases = ready(1)
    no_team = driver.open(title="未分配办案人员的案件")
    client = client_for(cast.b01_chief)
    client.post(PAGE, {"ids": [cases[0].pk, no_team.pk]})
    page = client.get(RESULT).content.decode()
    assert no_team.title in page and "table-danger" in page
    assert states([*cases, no_team]) == {CaseState.FILING}


def test_pages_are_the_chiefs(cast, client_for):
    assert client_for(cast.b01_officer).get(PAGE, {"ids": [1]}).status_code == 403
    assert client_for(cast.b01_officer).post(PAGE, {"ids": [1]}).status_code == 403
