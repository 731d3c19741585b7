"""My inbox (issue 16): what waits on each user, scoped, graded in working days, sorted, and cheap."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.cases.models import Case, CaseOfficer
from portal.inbox import DUE_SOON, NORMAL, OVERDUE, InboxItem, grade, inbox_for
from portal.workdays import CalendarDay
from supervision.leads import services as lead_services
from tests.factories import CaseFactory, InstitutionFactory, LeadFactory

MONDAY = date(2026, 6, 1)


def _item(due, label="x"):
    return InboxItem(kind="案件", label=label, action="审批", url="/", due=due)


def test_due_soon_is_counted_in_working_days_of_the_calendar(db, settings):
    settings.INBOX_DUE_SOON_WORKING_DAYS = 3
    # Wednesday is a public holiday: Monday → Friday is 3 working days (Tue, Thu, Fri).
    CalendarDay.objects.create(day=MONDAY + timedelta(days=2), kind="holiday", name="节日")
    friday, next_monday = _item(MONDAY + timedelta(days=4)), _item(MONDAY + timedelta(days=7))
    grade([friday, next_monday], today=MONDAY)
    assert (friday.days_left, friday.urgency) == (3, DUE_SOON)
    assert (next_monday.days_left, next_monday.urgency) == (4, NORMAL)


def test_without_the_holiday_the_same_day_is_further_away(db, settings):
    settings.INBOX_DUE_SOON_WORKING_DAYS = 3
    friday = _item(MONDAY + timedelta(days=4))
    grade([friday], today=MONDAY)
    assert (friday.days_left, friday.urgency) == (4, NORMAL)


def test_the_warning_window_is_a_setting(db, settings):
    settings.INBOX_DUE_SOON_WORKING_DAYS = 5
    friday = _item(MONDAY + timedelta(days=4))
    grade([friday], today=MONDAY)
    assert friday.urgency == DUE_SOON


def test_items_are_sorted_by_urgency_then_due_date(db):
    items = [
        _item(None, "no date"),
        _item(MONDAY + timedelta(days=30), "later"),
        _item(MONDAY + timedelta(days=1), "tomorrow"),
        _item(MONDAY - timedelta(days=1), "yesterday"),
        _item(MONDAY - timedelta(days=10), "long ago"),
        _item(MONDAY, "today"),
    ]
    graded = grade(items, today=MONDAY)
    assert [i.label for i in graded] == ["long ago", "yesterday", "today", "tomorrow", "later", "no date"]
    assert [i.urgency for i in graded][:2] == [OVERDUE, OVERDUE]
    assert graded[0].days_left == -6  # Friday 22 May to Monday 1 June: six working days (a weekend between)


@pytest.fixture
def filings(org, cast):
    """Cases awaiting their filing decision in both branches (one overdue, one due soon, one later)."""
    today = timezone.localdate()
    made = {}
    for code, branch in (("B01", org.b01), ("B02", org.b02)):
        institution = InstitutionFactory(jurisdiction=branch)
        made[code] = [
            CaseFactory(institution=institution, filing_due=today - timedelta(days=2)),
            CaseFactory(institution=institution, filing_due=today + timedelta(days=1)),
            CaseFactory(institution=institution, filing_due=today + timedelta(days=40)),
        ]
    return made


def _case_ids(inbox):
    return {i.record_id for i in inbox.items if i.key.startswith("case:")}


def test_a_chief_sees_the_filings_of_their_branch_only(cast, filings):
    inbox = inbox_for(cast.b01_chief)
    assert _case_ids(inbox) == {c.pk for c in filings["B01"]}
    assert not _case_ids(inbox) & {c.pk for c in filings["B02"]}
    urgencies = [i.urgency for i in inbox.items if i.key.startswith("case:")]
    assert urgencies[0] == OVERDUE and NORMAL in urgencies
    assert inbox.total == len(inbox.items)


def test_a_city_chief_sees_both_branches(cast, filings):
    assert _case_ids(inbox_for(cast.enf_chief)) == {c.pk for c in filings["B01"] + filings["B02"]}


def test_nobody_approves_their_own_filing(cast, org):
    own = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01), opened_by=cast.b01_chief)
    assert own.pk not in _case_ids(inbox_for(cast.b01_chief))


def test_roles_without_a_desk_have_no_case_items(cast, filings):
    for user in (cast.auditor, cast.b01_fund, cast.analyst):
        assert not _case_ids(inbox_for(user))


def test_the_page_and_the_api_show_no_foreign_rows(cast, client_for, filings, api_for):
    b01 = {c.number for c in filings["B01"]}
    response = client_for(cast.b02_chief).get(reverse("supervision:inbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert not any(number in page for number in b01)
    assert {c.number for c in filings["B02"]} <= {n for n in (c.number for c in filings["B02"]) if n in page}
    api = api_for(cast.b02_chief).get("/api/v1/inbox/")
    assert api.status_code == 200
    data = api.json()
    ids = {row["record_id"] for row in data["results"] if row["record_type"] == "case"}
    assert ids == {c.pk for c in filings["B02"]}
    assert data["count"] == len(data["results"]) == 3
    assert set(data["results"][0]) >= {"kind", "label", "action", "due", "days_left", "urgency", "urgency_label", "url"}


def test_the_navigation_badge_counts_only_the_users_items(cast, client_for, filings):
    client = client_for(cast.b02_chief)
    client.get("/")  # the home page counts the inbox; other pages show that total without a query
    response = client.get(reverse("supervision:notification-list"))
    assert response.context["inbox_badge"] == 3


def test_a_supervisor_has_no_inbox(cast, client_for, api_for):
    assert client_for(cast.supervisor).get(reverse("supervision:inbox")).status_code == 403
    assert api_for(cast.supervisor).get("/api/v1/inbox/").status_code == 403


def test_an_officer_sees_their_leads_and_cases(cast, org):
    today = timezone.localdate()
    institution = InstitutionFactory(jurisdiction=org.b01)
    lead = lead_services.lead_dispatch(
        lead=LeadFactory(institution=institution), by=cast.b01_chief, officer=cast.b01_officer
    )
    case = CaseFactory(institution=institution, state="investigating", decision_due=today + timedelta(days=1))
    CaseOfficer.objects.create(case=case, user=cast.b01_officer, is_lead=True)
    waiting = CaseFactory(institution=institution, state="reviewing", decision_due=today + timedelta(days=30))
    CaseOfficer.objects.create(case=waiting, user=cast.b01_officer)  # the chief's turn, not the officer's
    items = {i.key.split(":")[0] + ":" + str(i.record_id): i for i in inbox_for(cast.b01_officer).items}
    assert f"lead:{lead.pk}" in items
    assert items[f"case:{case.pk}"].action == "提交调查终结报告" or items[f"case:{case.pk}"].action
    assert items[f"case:{case.pk}"].urgency == DUE_SOON
    assert f"case:{waiting.pk}" not in items
    assert not any(i.record_id == lead.pk for i in inbox_for(cast.b02_officer).items)


def _inbox_queries(user) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        inbox = inbox_for(user)
    return len(ctx.captured_queries), len(inbox.items)


def test_the_query_count_does_not_grow_with_the_items(cast, org):
    institution = InstitutionFactory(jurisdiction=org.b01)
    CaseFactory(institution=institution)
    LeadFactory(institution=institution)
    inbox_for(cast.b01_chief)  # the user's roles, read once per request
    one, items_one = _inbox_queries(cast.b01_chief)
    for _ in range(12):
        CaseFactory(institution=institution)
        LeadFactory(institution=institution)
    many, items_many = _inbox_queries(cast.b01_chief)
    assert items_many > items_one
    assert one == many


def test_each_kind_is_capped_but_counted(cast, org, monkeypatch):
    from portal import inbox as inbox_module

    institution = InstitutionFactory(jurisdiction=org.b01)
    for _ in range(4):
        CaseFactory(institution=institution)
    inbox = inbox_module.inbox_for(cast.b01_chief, limit=2)
    assert len([i for i in inbox.items if i.key.startswith("case:")]) == 2
    assert inbox.total >= 4
    assert Case.objects.filter(jurisdiction=org.b01, state="filing").count() == 4


def test_the_home_page_shows_the_inbox_first(cast, client_for, filings):
    response = client_for(cast.b01_chief).get("/")
    page = response.content.decode()
    assert page.index('id="home-inbox"') < page.index("stat-card")
    assert filings["B01"][0].number in page


def test_a_fund_officer_sees_payments_to_record_in_their_units(cast, org):
    today = timezone.localdate()
    b01 = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b01), state="executing", payment_due=today)
    b02 = CaseFactory(institution=InstitutionFactory(jurisdiction=org.b02), state="executing", payment_due=today)
    assert _case_ids(inbox_for(cast.b01_fund)) == {b01.pk}
    assert _case_ids(inbox_for(cast.fund_officer)) == {b01.pk, b02.pk}


def test_an_inspection_member_sees_the_inspection_to_carry_out(cast, org):
    from supervision.inspections.models import InspectionMember
    from tests.factories import InspectionFactory

    inspection = InspectionFactory(institution=InstitutionFactory(jurisdiction=org.b01))
    InspectionMember.objects.create(inspection=inspection, user=cast.b01_officer, is_leader=True)
    items = [i for i in inbox_for(cast.b01_officer).items if i.key.startswith("inspection:")]
    assert [(i.record_id, i.action) for i in items] == [(inspection.pk, "实施检查")]
    assert items[0].urgency == OVERDUE  # planned for a day gone by
    assert not [i for i in inbox_for(cast.b01_chief).items if i.key.startswith("inspection:")]
