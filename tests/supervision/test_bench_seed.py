"""seed_demo --bench at a tiny scale: the contract's counts scaled, every state present, the records consistent
with what the services would have written, and a second run changes nothing."""

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import seed_supervision as bench_data
from enforcement.cases.models import Case, CaseEvent, CaseState, Payment
from supervision.inspections.models import Inspection, InspectionMember
from supervision.leads.models import Lead
from supervision.org.models import AuditEvent, OrgUnit, RoleAssignment, User
from supervision.register.models import Institution
from tests.quick_print import quick_print
from tests.shared_db import shared_fixture

SCALE = 0.002  # 20 institutions, 400 leads, 100 inspections, 60 cases, ~100 users


# Seeded once per module (tests/shared_db.py) on top of the demo data (``demo_data``, tests/conftest.py, shared
# with test_seed_demo and test_statistics), inside a transaction rolled back at the module's end; each test runs
# in a savepoint of it. seed_demo --bench finds the demo in place (seeding it is idempotent, test_seed_demo) and
# adds the bench data. Under xdist the three modules go to one worker (WORKER_GROUPS in tests/conftest.py).
@shared_fixture(base=False)
def seeded_bench():
    with quick_print():  # the data, not the print (tests/quick_print.py)
        call_command("seed_demo", "--bench", "--bench-scale", str(SCALE), stdout=StringIO())


@pytest.fixture
def seeded(demo_data, seeded_bench):
    return None


def bench_institutions():
    return Institution.objects.filter(Q(code__startswith="H3302") | Q(code__startswith="P3302"))


def bench_cases():
    return Case.objects.filter(opened_by__username__startswith=bench_data.USER_PREFIX)


def _counts():
    models = (OrgUnit, User, RoleAssignment, Institution, Lead, Inspection, InspectionMember, Case, CaseEvent)
    return {m.__name__: m.objects.count() for m in models} | {"audit": AuditEvent.objects.count()}


def test_twenty_branches_each_with_its_subcentre(seeded):
    branches = OrgUnit.objects.filter(kind="branch")
    assert branches.count() == 20
    assert OrgUnit.objects.filter(kind="subcentre", parent__in=branches).count() == 20


def test_counts_follow_the_scale(seeded):
    assert bench_institutions().count() == bench_data.scaled(bench_data.INSTITUTIONS, SCALE, 20)
    assert Lead.objects.filter(external_id__startswith=bench_data.LEAD_PREFIX).count() == bench_data.scaled(
        bench_data.LEADS, SCALE, 60
    )
    inspections = Inspection.objects.filter(institution__in=bench_institutions())
    assert inspections.count() == bench_data.scaled(bench_data.INSPECTIONS, SCALE, 10)
    assert bench_cases().count() == 60
    staff = User.objects.filter(username__startswith=bench_data.USER_PREFIX)
    assert staff.count() == 17 * (1 + 2 + 1 + 1) + (2 + 1 + 1 + 1 + 1)  # at scale 1: 17 × 96 + 368 = 2,000
    assert not staff.filter(roles__isnull=True).exists()


def test_every_case_state_lead_status_and_inspection_status_is_present(seeded):
    assert set(bench_cases().values_list("state", flat=True)) == set(CaseState.values)
    leads = Lead.objects.filter(external_id__startswith=bench_data.LEAD_PREFIX)
    assert set(leads.values_list("status", flat=True)) == set(Lead.Status.values)
    inspections = Inspection.objects.filter(institution__in=bench_institutions())
    assert set(inspections.values_list("status", flat=True)) == set(Inspection.Status.values)


def test_records_lie_in_their_institutions_branch(seeded):
    for model in (Case, Lead, Inspection):
        rows = model.objects.filter(institution__in=bench_institutions())
        assert rows.exists()
        assert not rows.exclude(jurisdiction=F("institution__jurisdiction")).exists(), model
    assert not bench_institutions().exclude(jurisdiction__kind="branch").exists()
    assert not bench_institutions().filter(agreements__isnull=True).exists()


def test_case_timelines_agree_with_the_case(seeded):
    today = timezone.localdate()
    for case in bench_cases().prefetch_related("events", "assignments__user", "payments", "reports__penalties"):
        events = list(case.events.all())
        assert events[0].action == "open" and events[0].from_state == ""
        assert events[-1].to_state == case.state, case.number
        for before, after in itertools.pairwise(events):
            assert before.to_state == after.from_state and before.at <= after.at, case.number
        assert case.lead_received_on <= timezone.localdate(case.opened_at) <= today
        officers = [a.user for a in case.assignments.all()]
        if case.filed_on:
            assert len(officers) >= 2 and all(u.has_valid_certificate(case.filed_on) for u in officers)
            assert case.decision_due and case.filed_on >= case.lead_received_on
        if case.state in ("reviewing", "legal_review", "notifying", "notified", "hearing", "deciding"):
            assert case.reports.filter(is_current=True).exists()
        if case.state in ("decided", "executing", "closed", "archived"):
            assert case.outcome == "penalty" and case.decided_on and case.fine_amount > 0
            assert case.notice_served_on <= case.decided_on <= today
        if case.state in ("executing", "closed", "archived"):
            assert case.decided_on <= case.served_on and case.payment_due
        if case.state in ("closed", "archived"):
            paid = sum(p.amount for p in case.payments.all())
            assert paid == case.fine_amount + case.return_amount
        if case.state in ("not_filed", "closed", "archived", "transferred", "terminated"):
            assert case.closed_on and case.closed_on <= today
        if case.state == "hearing":
            assert case.hearing_notice_on and any(e.action == "request_hearing" for e in events)
        for day in (case.filed_on, case.notice_served_on, case.decided_on, case.served_on, case.closed_on):
            assert day is None or day <= today


def test_converted_leads_point_at_the_case_they_became(seeded):
    converted = Lead.objects.filter(external_id__startswith=bench_data.LEAD_PREFIX, status="converted")
    assert converted.exists()
    for lead in converted:
        case = Case.objects.get(pk=lead.converted_id)
        assert case.lead_id == lead.pk and case.lead_received_on == lead.received_on
        assert lead.decided_on < timezone.localdate(case.opened_at)


def test_lead_dates_follow_their_status(seeded):
    leads = Lead.objects.filter(external_id__startswith=bench_data.LEAD_PREFIX)
    assert not leads.exclude(status="new").filter(Q(dispatched_on__isnull=True) | Q(verification_due__isnull=True))
    assert not leads.filter(status__in=["verifying", "dismissed", "confirmed"], assignee__isnull=True).exists()
    assert not leads.filter(status__in=["dismissed", "confirmed", "converted"], decided_by__isnull=True).exists()
    assert not leads.filter(source="screening", batch__isnull=True).exists()


def test_on_site_inspections_have_a_team_of_two(seeded):
    inspections = Inspection.objects.filter(institution__in=bench_institutions()).annotate(n=Count("members"))
    assert not inspections.filter(kind__in=["routine", "special", "flying", "key"], n__lt=2).exists()
    assert not inspections.filter(status="closed", closed_on__isnull=True).exists()


def test_case_numbers_continue_their_series(seeded):
    from portal.numbering import NumberSequence

    for row in NumberSequence.objects.filter(series__startswith="case:"):
        code = row.series.split(":", 1)[1]
        numbers = Case.objects.filter(number__startswith=f"{code}-{row.year}-").values_list("number", flat=True)
        assert max(int(n.rsplit("-", 1)[1]) for n in numbers) == row.last == len(numbers)


def test_each_bulk_step_leaves_one_summary_audit_row(seeded):
    rows = AuditEvent.objects.filter(verb="import", object_id="bench")
    assert set(rows.values_list("content_type__model", flat=True)) >= {"user", "institution", "agreement", "lead",
                                                                        "inspection", "case"}  # fmt: skip
    assert rows.get(content_type__model="case").after["rows"] == 60


def test_second_run_changes_nothing(seeded):
    before = _counts()
    totals = Payment.objects.aggregate(Sum("amount"), Max("pk"))
    call_command("seed_demo", "--bench", "--bench-scale", str(SCALE), stdout=StringIO())
    assert _counts() == before
    assert Payment.objects.aggregate(Sum("amount"), Max("pk")) == totals


@pytest.mark.parametrize("name", ["enforcement:case-list", "supervision:lead-list", "supervision:institution-list"])
@pytest.mark.parametrize("username", ["bench_b04_chief001", "director"])
def test_list_pages_stay_within_ten_queries(seeded, client, name, username):
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(response.context["object_list"]) > 0
    assert len(queries.captured_queries) <= 10, [q["sql"][:120] for q in queries.captured_queries]


@pytest.mark.parametrize("username", ["director", "b01_chief"])
def test_statistics_figures_equal_their_lists_on_the_bench_data(seeded, username):
    # Issue 17: on the bench data too, each figure of each unit is the count (or total) of the list it links to.
    from tests.enforcement.statistics_checks import figure_mismatches

    assert figure_mismatches(username, timezone.localdate().year) == []


def test_bench_payments_are_in_the_recovery_ledger(seeded):
    from enforcement.recoveries.models import RecoveryEntry

    bench_payments = Payment.objects.filter(case__in=bench_cases())
    assert bench_payments.exists()
    assert not bench_payments.filter(ledger_entry__isnull=True).exists()
    assert RecoveryEntry.objects.filter(case__in=bench_cases(), entry="obligation").exists()
