"""The home page does not grow with the tables (issue 19): on PostgreSQL, with a few thousand cases, reports,
penalties and leads spread over twenty branches and ANALYZE run, no query of the home page of the director, a
chief, an officer or the legal reviewer reads a whole big table (no ``Seq Scan`` on cases, their reports,
penalties, officers or violation codes, leads). And the home page's query count per role.

Real plans, not ``enable_seqscan = off``: the planner sees the table sizes and the partial indexes, so a plan
that falls back to a scan fails here as it would on the bench data."""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enforcement.cases.models import OPEN_STATES, Case, CaseOfficer, CaseState, ProposedPenalty, Report
from enforcement.rules.models import ViolationType
from supervision.leads.models import Lead
from supervision.org.models import OrgUnit, User
from supervision.register.models import Institution
from tests.factories import InstitutionFactory, OrgUnitFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")

BIG_TABLES = {
    Case._meta.db_table,
    Report._meta.db_table,
    ProposedPenalty._meta.db_table,
    CaseOfficer._meta.db_table,
    Case.violation_types.through._meta.db_table,
    Lead._meta.db_table,
}  # agreement actions are few (108 on the bench data): a scan of them is the cheap plan
ROLES = ["director", "b01_chief", "enf_chief", "b01_officer", "enf_officer", "legal"]
CASES, LEADS = 6000, 12000


def _bulk_data(org, cast):
    """Twenty branches (the two of the cast among them, 1/20 of the rows each), most cases closed and most leads
    concluded as on the bench data; open cases in every state with clocks past and future; reports (returned
    and current) with fines around the collective threshold, terminations and fraud items; officers; leads."""
    rng = random.Random(19)
    today = timezone.localdate()
    branches = [org.b01, org.b02] + [
        OrgUnitFactory(code=f"X{i:02d}", name=f"测试分局{i}", kind=OrgUnit.Kind.BRANCH, parent=org.city)
        for i in range(18)
    ]
    institutions = {b.pk: [InstitutionFactory(jurisdiction=b) for _ in range(3)] for b in branches}
    officers = [cast.b01_officer, cast.enf_officer, cast.b02_officer]
    states = [s for s in CaseState.values if s not in OPEN_STATES] * 9 + sorted(OPEN_STATES)

    def due():
        return today + timedelta(days=rng.randint(-60, 30))

    cases = []
    for n in range(CASES):
        branch = rng.choice(branches)
        cases.append(
            Case(
                number=f"P-{n:06d}",
                title=f"计划案件{n}",
                institution=rng.choice(institutions[branch.pk]),
                jurisdiction=branch,
                state=rng.choice(states),
                is_major=rng.random() < 0.05,
                lead_received_on=date(2026, 1, 5),
                filing_due=due(),
                decision_due=due(),
                service_due=due(),
                payment_due=due(),
                city_deadline=due() if rng.random() < 0.2 else None,
                opened_by=cast.b01_chief if rng.random() < 0.1 else cast.b01_officer,
            )
        )
    cases = Case.objects.bulk_create(cases, batch_size=2000)
    # Two officers on most cases, drawn from two hundred (the bench data: 2,000 staff, 30,000 cases): an officer carries
    # a share of the cases, not a sixth of the city's, at which reading the whole table would be the right plan.
    pool = officers + User.objects.bulk_create(
        [User(username=f"plan_officer{i}", full_name=f"办案{i}") for i in range(197)]
    )
    CaseOfficer.objects.bulk_create(
        [CaseOfficer(case=c, user=user) for c in cases if rng.random() < 0.8 for user in rng.sample(pool, 2)],
        batch_size=2000,
    )
    codes = list(ViolationType.objects.all())
    through = Case.violation_types.through
    through.objects.bulk_create(
        [through(case_id=c.pk, violationtype_id=rng.choice(codes).pk) for c in cases], batch_size=2000
    )
    reports = Report.objects.bulk_create(
        [
            Report(case=c, outcome="penalty", findings="查明", proposed_by=cast.b01_officer, is_current=current)
            for c in cases
            if rng.random() < 0.7
            for current in ([False, True] if rng.random() < 0.2 else [True])
        ],
        batch_size=2000,
    )
    kinds = ProposedPenalty.Kind.values
    ProposedPenalty.objects.bulk_create(
        [
            ProposedPenalty(report=r, kind=kind, amount=Decimal(rng.choice([1000, 250000, 600000])))
            for r in reports
            for kind in rng.sample(kinds, rng.randint(1, 3))
        ],
        batch_size=2000,
    )
    lead_statuses = ["dismissed", "converted", "confirmed"] * 6 + ["new", "dispatched", "verifying"]
    leads = []
    for _ in range(LEADS):
        branch = rng.choice(branches)
        status = rng.choice(lead_statuses)
        leads.append(
            Lead(
                source="screening",
                institution=rng.choice(institutions[branch.pk]),
                jurisdiction=branch,
                description="疑似违规",
                status=status,
                verification_due=due() if status != "new" else None,
                assignee=rng.choice(officers) if status in ("dispatched", "verifying") else None,
            )
        )
    Lead.objects.bulk_create(leads, batch_size=4000)
    with connection.cursor() as cursor:
        for table in sorted(BIG_TABLES | {Institution._meta.db_table, OrgUnit._meta.db_table}):
            cursor.execute(f'ANALYZE "{table}"')


def _home_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _scanned(plan: str) -> set[str]:
    return {table for table in re.findall(r"Seq Scan on (\w+)", plan) if table in BIG_TABLES}


@postgres_only
def test_no_home_page_query_reads_a_whole_big_table(org, cast, client_for):
    _bulk_data(org, cast)
    assert Case.objects.count() >= CASES  # the data the plans were made for
    scans = {}
    for username in ROLES:
        for sql in _home_queries(client_for(cast[username])):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = _plan(sql)
            if _scanned(plan):
                scans.setdefault(username, []).append(f"{sql}\n{plan}")
    assert scans == {}, "\n\n".join(f"{user}:\n" + "\n\n".join(found) for user, found in scans.items())


# The home page's queries per role, as measured (small data: the count does not depend on the rows): session,
# user, roles, then one query per panel (a short preview is its own count) and the director's statistics section.
HOME_QUERY_BUDGET = {
    # The inbox block at the top (issue 16) reads each kind of work the role has: one query per kind when it
    # holds fewer items than the block shows, two (items, count) beyond; the working-day calendar once.
    "director": 30,  # + the statistics section (stored months, live month)
    "b01_chief": 31,
    "enf_chief": 31,
    "b01_officer": 19,
    "enf_officer": 19,
    "legal": 13,
    "auditor": 14,
}


@pytest.mark.parametrize("username", sorted(HOME_QUERY_BUDGET))
def test_home_page_query_count_per_role(cast, client_for, username, django_assert_max_num_queries):
    client = client_for(cast[username])
    client.get("/")  # what a session caches once (the org subtree, permissions) is not the page's cost
    with django_assert_max_num_queries(HOME_QUERY_BUDGET[username]):
        response = client.get("/")
    assert response.status_code == 200
