"""HTML pages of cases: list, export, opening, detail and one page per procedure action."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enforcement.cases.models import Case, CaseEvent, CaseOfficer, Report
from enforcement.cases.procedure import ACTIONS
from enforcement.rules.models import ViolationType
from supervision.org.models import AuditEvent
from tests.factories import CaseFactory, InstitutionFactory
from tests.supervision.helpers import assert_login_redirect, page_body

D = Decimal
MISSING_PK = 987654
LIST_URL = reverse("enforcement:case-list")
EXPORT_URL = reverse("enforcement:case-export")
CREATE_URL = reverse("enforcement:case-create")


def detail_url(case):
    return reverse("enforcement:case-detail", args=[case.pk])


def act_url(case, action):
    return reverse("enforcement:case-act", args=[case.pk, action])


def make_case(branch, *, officers=(), codes=("OVER_TREATMENT",), **kwargs) -> Case:
    """A case written directly (no event) with violation codes and assigned officers."""
    case = CaseFactory(institution=kwargs.pop("institution", None) or InstitutionFactory(jurisdiction=branch), **kwargs)
    case.violation_types.set(ViolationType.objects.filter(code__in=codes))
    for n, officer in enumerate(officers):
        CaseOfficer.objects.create(case=case, user=officer, is_lead=n == 0)
    return case


def state_of(case) -> str:
    return Case.objects.get(pk=case.pk).state


def counts(case) -> tuple[int, int]:
    return CaseEvent.objects.filter(case_id=case.pk).count(), AuditEvent.objects.for_object(case).count()


# --- List ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["b01_officer", "b01_chief", "b01_fund", "auditor", "director", "analyst"])
def test_list_opens_for_staff(org, cast, client_for, username):
    make_case(org.b01)
    assert client_for(cast[username]).get(LIST_URL).status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_list_is_forbidden_without_a_staff_role(cast, client_for, username):
    assert client_for(cast[username]).get(LIST_URL).status_code == 403


def test_list_redirects_anonymous_to_login(client, db):
    assert_login_redirect(client.get(LIST_URL), LIST_URL)


def test_list_shows_only_cases_in_scope(org, cast, client_for):
    b01, b02 = make_case(org.b01), make_case(org.b02)
    response = client_for(cast.b02_officer).get(LIST_URL)
    assert list(response.context["object_list"]) == [b02]
    assert b01.number not in response.content.decode()


def test_list_jurisdiction_filter_cannot_widen_scope(org, cast, client_for):
    make_case(org.b02)
    response = client_for(cast.b01_officer).get(LIST_URL, {"jurisdiction": org.b02.pk})
    assert list(response.context["object_list"]) == []


def test_list_filters_by_state_code_officer_and_text(org, cast, client_for):
    filing = make_case(org.b01, title="甲医院过度诊疗案", officers=[cast.b01_officer])
    investigating = make_case(org.b01, title="乙医院串换药品案", state="investigating", codes=["SUBSTITUTION"])
    client = client_for(cast.b01_chief)

    def listed(**params):
        return list(client.get(LIST_URL, params).context["object_list"])

    assert listed(state="investigating") == [investigating]
    assert listed(violation_code="SUBSTITUTION") == [investigating]
    assert listed(officer=cast.b01_officer.pk) == [filing]
    assert listed(q="甲医院") == [filing]
    assert listed(branch=org.b01.pk) == [investigating, filing]


def test_list_shows_overdue_and_due_soon_badges(org, cast, client_for):
    today = timezone.localdate()
    overdue = make_case(org.b01, filing_due=today - timedelta(days=3))
    soon = make_case(org.b01, filing_due=today + timedelta(days=2))
    later = make_case(org.b01, filing_due=today + timedelta(days=40))
    response = client_for(cast.b01_officer).get(LIST_URL)
    tones = {case.pk: [b.tone for b in badges] for case, badges in response.context["rows"]}
    assert tones == {overdue.pk: ["danger"], soon.pk: ["warning"], later.pk: ["secondary"]}
    listed = client_for(cast.b01_officer).get(LIST_URL, {"overdue": "true"}).context["object_list"]
    assert list(listed) == [overdue]


def _populate(org, cast, count):
    today = timezone.localdate()
    for n in range(count):
        make_case(
            org.b01,
            officers=[cast.b01_officer, cast.enf_officer],
            codes=["OVER_TREATMENT", "SUBSTITUTION"],
            filing_due=today - timedelta(days=n % 3),
        )


def _list_queries(client, expected_rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected_rows
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(org, cast, client):
    # A sub-centre user: scope through the branch, plus the grant subqueries every scoped query carries.
    client.force_login(cast.b01_fund)
    _populate(org, cast, 1)
    one = _list_queries(client, 1)
    _populate(org, cast, 49)
    fifty = _list_queries(client, 50)
    assert one == fifty, f"{one} queries with 1 case, {fifty} with 50"


# --- Export --------------------------------------------------------------------------------------------


def _sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    return [row for row in sheet.iter_rows(values_only=True)]


def test_export_contains_only_cases_in_scope(org, cast, client_for):
    mine = [make_case(org.b01), make_case(org.b01)]
    other = make_case(org.b02)
    rows = _sheet_rows(client_for(cast.b01_officer).get(EXPORT_URL))
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {c.number for c in mine}
    assert other.number not in numbers


def test_export_applies_the_list_filters(org, cast, client_for):
    make_case(org.b01)
    investigating = make_case(org.b01, state="investigating")
    rows = _sheet_rows(client_for(cast.director).get(EXPORT_URL, {"state": "investigating"}))
    assert [row[0] for row in rows[1:]] == [investigating.number]


@pytest.mark.parametrize("username", ["supervisor", "norole"])
def test_export_is_forbidden_without_a_staff_role(cast, client_for, username):
    assert client_for(cast[username]).get(EXPORT_URL).status_code == 403


# --- Opening a case ------------------------------------------------------------------------------------


def _open_data(institution, **overrides):
    data = {
        "title": "东湖人民医院串换药品案",
        "institution": institution.pk if institution else "",
        "party_kind": "organisation",
        "violation_codes": ["SUBSTITUTION"],
        "amount_involved": "86000",
        "lead_received_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "facts": "智能监管筛查发现串换药品。",
    }
    data.update(overrides)
    return data


def test_open_page_is_for_officers(cast, client_for):
    assert client_for(cast.b01_officer).get(CREATE_URL).status_code == 200
    for username in ("b01_chief", "auditor", "b01_fund", "supervisor"):
        assert client_for(cast[username]).get(CREATE_URL).status_code == 403, username


def test_open_creates_a_case_in_filing_and_goes_to_it(cast, client_for, b01_institution):
    response = client_for(cast.b01_officer).post(CREATE_URL, _open_data(b01_institution))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    assert (case.state, case.jurisdiction_id, case.opened_by) == (
        "filing",
        b01_institution.jurisdiction_id,
        cast.b01_officer,
    )
    assert [v.code for v in case.violation_types.all()] == ["SUBSTITUTION"]
    assert CaseEvent.objects.filter(case=case, action="open").exists()


def test_open_refuses_an_institution_out_of_scope(cast, client_for, b02_institution):
    response = client_for(cast.b01_officer).post(CREATE_URL, _open_data(b02_institution))
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Case.objects.exists()


def test_open_maps_service_errors_to_fields(cast, client_for, b01_institution):
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client_for(cast.b01_officer).post(CREATE_URL, _open_data(b01_institution, lead_received_on=future))
    assert response.status_code == 200
    assert "lead_received_on" in response.context["form"].errors
    assert not Case.objects.exists()


# --- Detail --------------------------------------------------------------------------------------------


def test_detail_opens_in_scope(org, cast, client_for):
    case = make_case(org.b01)
    response = client_for(cast.b01_officer).get(detail_url(case))
    assert response.status_code == 200
    assert case.number in response.content.decode()


@pytest.mark.parametrize("username", ["b02_officer", "b02_chief"])
def test_detail_is_404_out_of_scope(org, cast, client_for, username):
    assert client_for(cast[username]).get(detail_url(make_case(org.b01))).status_code == 404


def test_detail_out_of_scope_404_is_identical_to_missing(org, cast, client_for):
    client = client_for(cast.b02_chief)
    case = make_case(org.b01)
    out_url = detail_url(case)
    missing_url = reverse("enforcement:case-detail", args=[MISSING_PK])
    out_of_scope, missing = client.get(out_url), client.get(missing_url)
    assert out_of_scope.status_code == missing.status_code == 404
    assert page_body(out_of_scope, out_url) == page_body(missing, missing_url)


@pytest.mark.parametrize("username", ["supervisor", "norole", "admin"])
def test_detail_is_forbidden_without_a_staff_role(org, cast, client_for, username):
    assert client_for(cast[username]).get(detail_url(make_case(org.b01))).status_code == 403


def test_detail_offers_the_chief_the_filing_decision_and_the_officer_nothing(org, cast, client_for):
    case = make_case(org.b01, officers=[cast.b01_officer])
    chief = client_for(cast.b01_chief).get(detail_url(case))
    assert {a.name for a in chief.context["actions"]} >= {"approve_filing", "reject_filing"}
    assert act_url(case, "approve_filing") in chief.content.decode()
    officer = client_for(cast.b01_officer).get(detail_url(case))
    assert officer.context["actions"] == []


@pytest.mark.parametrize(
    "state",
    ["filing", "investigating", "reviewing", "legal_review", "notified", "hearing", "deciding", "executing", "closed"],
)
def test_detail_renders_in_every_state(driver, cast, client_for, state):
    case = driver.case_in(state)
    response = client_for(cast.b01_chief).get(detail_url(case))
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [e.action for e, _label, _summary in timeline] == list(
        CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("action", flat=True)
    )


def test_detail_shows_gates_with_their_reasons_and_the_allowed_fine_range(driver, cast, client_for):
    case = driver.case_in("reviewing")  # 100,000 involved; fine 100,000 under Art 38 (1–2×)
    response = client_for(cast.b01_chief).get(detail_url(case))
    gates = {g.key: g for g in response.context["gates"]}
    assert gates["hearing"].applies and gates["legal_review"].applies
    assert not gates["collective"].applies
    body = response.content.decode()
    for reason in gates["hearing"].reasons + gates["legal_review"].reasons:
        assert reason in body
    fine_rows = [text for item, text in response.context["penalty_rows"] if item.kind == "fine"]
    assert fine_rows and "100,000.00–200,000.00" in fine_rows[0]
    assert fine_rows[0] in body


def test_detail_shows_balances_and_the_accrued_surcharge(driver, cast, client_for):
    case = driver.case_in("executing")  # payment term ended 13 days ago, nothing paid
    response = client_for(cast.b01_officer).get(detail_url(case))
    balances = {b.kind: b for b in response.context["balances"]}
    assert balances["fine"].outstanding == case.fine_amount
    assert balances["surcharge"].due > 0
    assert response.context["outstanding"] == sum(b.outstanding for b in balances.values())


def test_detail_timeline_names_actor_states_and_payload(driver, cast, client_for):
    case = driver.case_in("investigating")
    response = client_for(cast.b01_officer).get(detail_url(case))
    body = response.content.decode()
    event, label, summary = response.context["timeline"][-1]
    assert (event.action, str(label)) == ("approve_filing", str(ACTIONS["approve_filing"].label))
    assert event.comment in body
    # The assigned officers by name, never by login (issue 16).
    assert any(cast.b01_officer.full_name in text for _key, text in summary)
    assert not any(cast.b01_officer.username in text for _key, text in summary)


# --- Action pages: GET -----------------------------------------------------------------------------------


def test_action_page_shows_the_form_and_help(org, cast, client_for):
    case = make_case(org.b01)
    response = client_for(cast.b01_chief).get(act_url(case, "approve_filing"))
    assert response.status_code == 200
    assert "officers" in response.context["form"].fields
    assert str(ACTIONS["approve_filing"].help) in response.content.decode()


def test_action_page_checks_role_then_scope_then_object(org, cast, client_for):
    case = make_case(org.b01)
    assert client_for(cast.b01_officer).get(act_url(case, "approve_filing")).status_code == 403  # role
    assert client_for(cast.b02_chief).get(act_url(case, "approve_filing")).status_code == 404  # scope
    assert client_for(cast.b02_officer).get(act_url(case, "approve_filing")).status_code == 403  # role first
    missing = reverse("enforcement:case-act", args=[MISSING_PK, "approve_filing"])
    assert client_for(cast.b02_chief).get(missing).status_code == 404


def test_unknown_action_is_404(org, cast, client_for):
    assert client_for(cast.b01_chief).get(act_url(make_case(org.b01), "approve_everything")).status_code == 404


def test_action_not_allowed_in_the_state_is_409(org, cast, client_for):
    case = make_case(org.b01, state="investigating")
    response = client_for(cast.b01_chief).get(act_url(case, "approve_filing"))
    assert response.status_code == 409
    assert case.number in response.content.decode()


def test_officer_not_assigned_may_not_open_an_assigned_only_action(driver, cast, client_for, org):
    case = driver.case_in("investigating")
    from tests.enforcement.conftest import certified_user

    outsider = certified_user("b01_outsider", [("officer", org.b01)], "CERT-B01-0077")
    assert client_for(outsider).get(act_url(case, "submit_report")).status_code == 403
    assert client_for(cast.b01_officer).get(act_url(case, "submit_report")).status_code == 200


def test_submit_report_page_shows_the_rules_with_the_range_for_this_case(driver, cast, client_for):
    case = driver.case_in("investigating")  # 100,000 involved, OVER_TREATMENT → Art 38
    response = client_for(cast.b01_officer).get(act_url(case, "submit_report"))
    assert response.status_code == 200
    assert response.context["formset"].prefix == "p"
    rows = response.context["rule_rows"]
    assert rows[0]["rule"].code == "R38" and rows[0]["applies"]
    body = response.content.decode()
    assert "100,000.00–200,000.00" in rows[0]["range"]
    r40 = next(row for row in rows if row["rule"].code == "R40")
    assert r40["bands"] and "200,000.00–300,000.00" in r40["bands"][0][1]  # 从轻 2–3×
    assert r40["range"] in body


# --- Action pages: POST ----------------------------------------------------------------------------------


def test_post_approve_filing_moves_the_case_and_writes_event_and_audit(driver, cast, client_for):
    case = driver.open()
    before = counts(case)
    data = {
        "officers": [driver.o1.pk, driver.o2.pk],
        "lead_officer": driver.o1.pk,
        "filed_on": driver.dates.filed.isoformat(),
        "comment": "同意立案",
    }
    response = client_for(cast.b01_chief).post(act_url(case, "approve_filing"), data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    assert state_of(case) == "investigating"
    assert counts(case) == (before[0] + 1, before[1] + 1)
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        "approve_filing",
        "filing",
        "investigating",
        cast.b01_chief,
        "同意立案",
    )


def test_post_without_a_required_reason_writes_nothing(driver, cast, client_for):
    case = driver.open()
    before = counts(case)
    response = client_for(cast.b01_chief).post(act_url(case, "reject_filing"), {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert state_of(case) == "filing"
    assert counts(case) == before


def test_post_service_error_goes_onto_the_field_and_writes_nothing(driver, cast, client_for):
    case = driver.open()
    before = counts(case), list(case.assignments.values_list("user_id", flat=True))
    response = client_for(cast.b01_chief).post(
        act_url(case, "approve_filing"), {"officers": [driver.o1.pk], "comment": "同意"}
    )
    assert response.status_code == 200
    assert "officers" in response.context["form"].errors  # fewer than two certified officers
    assert state_of(case) == "filing"
    assert (counts(case), list(case.assignments.values_list("user_id", flat=True))) == before


def test_post_service_error_without_a_field_is_shown_on_top(driver, cast, client_for):
    case = driver.case_in("notified", amount="20000")  # fine 20,000: no hearing right
    before = counts(case)
    response = client_for(cast.b01_officer).post(act_url(case, "request_hearing"), {"comment": "申请听证"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert state_of(case) == "notified"
    assert counts(case) == before


def test_post_in_the_wrong_state_is_409_and_changes_nothing(driver, cast, client_for):
    case = driver.case_in("investigating")
    before = counts(case)
    response = client_for(cast.b01_chief).post(
        act_url(case, "approve_filing"), {"officers": [driver.o1.pk, driver.o2.pk], "comment": "再次立案"}
    )
    assert response.status_code == 409
    assert state_of(case) == "investigating"
    assert counts(case) == before


def test_post_by_a_role_that_may_not_act_is_403_and_changes_nothing(driver, cast, client_for):
    case = driver.open()
    before = counts(case)
    response = client_for(cast.b01_officer).post(act_url(case, "reject_filing"), {"comment": "不予立案"})
    assert response.status_code == 403
    assert state_of(case) == "filing"
    assert counts(case) == before


def test_post_out_of_scope_is_404(driver, cast, client_for):
    case = driver.open()
    assert client_for(cast.b02_chief).post(act_url(case, "reject_filing"), {"comment": "x"}).status_code == 404
    assert state_of(case) == "filing"


def _report_post(rows, **fields):
    data = {
        "outcome": "penalty",
        "findings": "经调查，违规事实清楚。",
        "reasoning": "首次违法，按一般情节裁量。",
        "comment": "调查终结",
        "p-TOTAL_FORMS": "4",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "12",
    }
    for n, row in enumerate(rows):
        data.update({f"p-{n}-{key}": value for key, value in row.items()})
    data.update(fields)
    return data


def test_post_submit_report_with_the_penalty_formset(driver, cast, client_for):
    case = driver.case_in("investigating")
    rows = [
        {"kind": "return_funds", "rule": "R38", "amount": "100000"},
        {"kind": "fine", "rule": "R38", "amount": "150000"},
    ]
    response = client_for(cast.b01_officer).post(act_url(case, "submit_report"), _report_post(rows))
    assert response.status_code == 302
    assert state_of(case) == "reviewing"
    report = Report.objects.get(case=case, is_current=True)
    assert sorted((p.kind, p.rule.code, p.amount) for p in report.penalties.all()) == [
        ("fine", "R38", D("150000")),
        ("return_funds", "R38", D("100000")),
    ]


def test_post_submit_report_with_a_fine_out_of_range_writes_nothing(driver, cast, client_for):
    case = driver.case_in("investigating")
    before = counts(case)
    rows = [{"kind": "fine", "rule": "R38", "amount": "500000"}]  # Art 38 allows 1–2× of 100,000
    response = client_for(cast.b01_officer).post(act_url(case, "submit_report"), _report_post(rows))
    assert response.status_code == 200
    errors = response.context["form"].errors["penalties"]
    assert any("100,000.00–200,000.00" in e for e in errors)
    assert "100,000.00–200,000.00" in response.content.decode()
    assert state_of(case) == "investigating"
    assert counts(case) == before
    assert not Report.objects.filter(case=case).exists()


def test_detail_query_count_does_not_grow_with_the_record(driver, cast, client):
    """Timeline, officers, reports, payments: all prefetched, so a long case costs what a short one does."""
    client.force_login(cast.b01_chief)
    short = driver.case_in("reviewing")  # one report (its penalties are the one prefetch a report-less case skips)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail_url(short)).status_code == 200
    few = len(ctx.captured_queries)
    long = driver.pay_all(driver.case_in("executing"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail_url(long)).status_code == 200
    assert len(ctx.captured_queries) == few


def test_the_jurisdiction_filter_offers_only_the_units_in_scope(org, cast, client_for):
    """A branch officer's pick list is their own branch; a city user's is the whole tree."""
    import re

    def offered(user):
        html = client_for(user).get(LIST_URL).content.decode()
        select = re.search(r'<select name="jurisdiction".*?</select>', html, re.S).group(0)
        return set(re.findall(r'<option value="(\d+)"', select))

    assert offered(cast.b01_officer) == {str(org.b01.pk), str(org.b01s.pk)}
    assert {str(org.b01.pk), str(org.b02.pk), str(org.city.pk)} <= offered(cast.director)


def test_yes_no_filters_read_all_when_unset(cast, client_for):
    html = client_for(cast.b01_officer).get(LIST_URL).content.decode()
    overdue = html[html.index('name="overdue"') :].split("</select>")[0]
    assert '<option value="unknown" selected>全部</option>' in overdue


def test_the_list_sorts_by_a_column_both_ways_and_ignores_unknown_columns(org, cast, client_for):
    import re

    for number in ("B01-2026-0002", "B01-2026-0003", "B01-2026-0001"):
        make_case(org.b01, number=number, title=f"排序{number}")
    client = client_for(cast.b01_chief)

    def shown(query):  # the case numbers in the order the rows show them (each row links its number once)
        html = client.get(LIST_URL + query).content.decode()
        return list(dict.fromkeys(re.findall(r"B01-2026-000\d", html)))

    assert shown("?sort=number") == ["B01-2026-0001", "B01-2026-0002", "B01-2026-0003"]
    assert shown("?sort=-number") == ["B01-2026-0003", "B01-2026-0002", "B01-2026-0001"]
    html = client.get(LIST_URL + "?sort=-number").content.decode()
    assert 'aria-sort="descending"' in html and "sort=number" in html  # the next click sorts ascending
    assert client.get(LIST_URL + "?sort=amount_involved;drop").status_code == 200  # not a sortable column


def test_the_list_offers_page_sizes(org, cast, client_for):
    for n in range(3):
        make_case(org.b01, number=f"B01-2026-01{n:02d}")
    response = client_for(cast.b01_chief).get(LIST_URL, {"per_page": "20"})
    assert response.context["page_obj"].paginator.per_page == 20
    assert client_for(cast.b01_chief).get(LIST_URL, {"per_page": "5000"}).context["page_obj"].paginator.per_page == 50
