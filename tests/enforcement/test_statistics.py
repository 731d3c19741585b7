"""Statistics on the demo data (issue 17): every figure of every unit equals the count (or the total) of the list it
links to; the total row is the sum of the rows; a branch chief sees only their branch; the queries do not grow
with the number of units; the table exports as a report."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enforcement.statistics.models import MonthlyFigure, StatisticsSnapshot
from enforcement.statistics.selectors import FIGURES, FUNNEL, SCREENING, year_statistics
from enforcement.statistics.services import cutoff
from supervision.org.models import OrgUnit, User
from supervision.register.models import Institution
from tests.enforcement.statistics_checks import figure_mismatches, listed
from tests.factories import CaseFactory, LeadFactory

YEAR = timezone.localdate().year
# Queries of one request once the year is stored: the units, the snapshot, the stored months (2), the live months
# (one per series), the session and user; the home page adds its other panels.
QUERY_BUDGET = {"page": 30, "api": 30, "home": 60}
BRANCHES = {"B01", "B02", "B03"}


@pytest.fixture
def demo(demo_data):
    # The demo data, seeded once for this module, test_seed_demo and test_bench_seed (tests/conftest.py).
    return None


def _client(username):
    client = APIClient()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", ["director", "b01_chief"])
def test_every_figure_of_every_unit_equals_its_list(demo, username):
    assert figure_mismatches(username, YEAR) == []


def test_every_month_and_funnel_cell_equals_its_list(demo):
    stats = year_statistics(User.objects.get(username="director"), YEAR)
    client = _client("director")
    mismatches = []
    for figure in FIGURES:
        for month, (value, url) in enumerate(zip(stats.months[figure.key], stats.month_links[figure.key]), start=1):
            shown = listed(client, url, bool(figure.money))
            if shown != value:
                mismatches.append((figure.key, month, value, shown))
    for source, _label, cells in stats.funnel:
        for stage, (value, url) in zip(FUNNEL, cells, strict=True):
            if listed(client, url, False) != value:
                mismatches.append((source, stage.key, value))
    assert mismatches == []


def test_total_row_is_exactly_the_sum_of_the_rows(demo):
    body = _client("director").get(reverse("statistics"), {"year": YEAR}).json()
    assert body["year"] == YEAR
    assert [r["unit"]["code"] for r in body["rows"]] == ["B01", "B02", "B03", "CITY"]
    for figure in FIGURES:
        values = [r[figure.key] for r in body["rows"]]
        if figure.money:
            assert all(isinstance(v, str) for v in values)  # money is a decimal string
            assert Decimal(body["total"][figure.key]) == sum(Decimal(v) for v in values)
        else:
            assert body["total"][figure.key] == sum(values)


def test_cases_opened_matches_the_contracts_api_list(demo):
    body = _client("director").get(reverse("statistics"), {"year": YEAR}).json()
    b01 = next(r for r in body["rows"] if r["unit"]["code"] == "B01")
    query = {"jurisdiction": b01["unit"]["id"], "opened_after": f"{YEAR}-01-01", "opened_before": f"{YEAR}-12-31"}
    listed = _client("director").get(f"{reverse('case-list')}?{urlencode(query)}").json()
    assert listed["count"] == b01["cases_opened"] > 0


def test_branch_chief_sees_only_their_branch(demo):
    body = _client("b01_chief").get(reverse("statistics"), {"year": YEAR}).json()
    assert [r["unit"]["code"] for r in body["rows"]] == ["B01"]
    assert body["total"] == {k: v for k, v in body["rows"][0].items() if k != "unit"}
    page = _client("b01_chief").get(reverse("enforcement:statistics"))
    names = [label for label, _cells in page.context["table"]["rows"]]
    assert names == [OrgUnit.objects.get(code="B01").name]


def test_demo_data_gives_every_branch_and_month_figures(demo):
    stats = year_statistics(User.objects.get(username="director"), YEAR)
    this_month = timezone.localdate().month
    for row in stats.rows:
        if row.unit.code in BRANCHES:
            empty = [k for k in ("inspections", "leads_received", "leads_confirmed", "cases_opened", "cases_decided",
                                 "cases_closed", "fines", "funds_recovered", "interviews", "reports_received")
                     if not row.figures[k]]  # fmt: skip
            assert empty == [], row.unit.code
    for key in ("leads_received", "cases_opened", "inspections", "reports_received", "funds_recovered"):
        assert all(stats.months[key][m - 1] > 0 for m in range(1, this_month + 1)), key
    assert stats.previous["leads_received"] > 0  # last year, for the comparison


def test_query_count_does_not_grow_with_units(demo):
    director = User.objects.get(username="director")
    year_statistics(director, YEAR)  # the first read stores the year's closed months (one refresh)
    director = User.objects.get(username="director")  # scope not cached on the object, as after
    with CaptureQueriesContext(connection) as before:
        year_statistics(director, YEAR)
    city = OrgUnit.objects.get(code="CITY")
    for n in range(5):
        OrgUnit.objects.create(code=f"BX{n}", name=f"新区{n}分局", kind=OrgUnit.Kind.BRANCH, parent=city,
                               path=f"{city.path}9{n:03d}", depth=2)  # fmt: skip
    director = User.objects.get(username="director")
    with CaptureQueriesContext(connection) as after:
        stats = year_statistics(director, YEAR)
    assert len(stats.rows) == 9
    assert len(after.captured_queries) == len(before.captured_queries) <= 25


def test_statistics_page_exports_the_table_as_a_report(demo):
    client = _client("director")
    response = client.get(reverse("enforcement:statistics-export"), {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert str(YEAR) in rows[0][0]  # the title
    header = next(i for i, r in enumerate(rows) if r[0] == "单位")
    body = rows[header + 1 : header + 5]
    total = rows[header + 5]
    assert total[0] == "合计"
    column = 1 + [f.key for f in FIGURES].index("cases_opened")
    assert total[column] == sum(r[column] for r in body) > 0
    assert any("元" in str(r[0]) for r in rows[:header])  # the unit of money


def test_director_home_shows_the_years_figures_and_charts(demo):
    response = _client("director").get(reverse("home"))
    content = response.content.decode()
    assert 'id="statistics-data"' in content and "vendor/echarts/echarts.min.js" in content
    assert reverse("enforcement:case-list") + "?opened_after=" in content
    assert 'id="statistics-data"' not in _client("b01_chief").get(reverse("home")).content.decode()


def test_a_figures_rows_export_as_a_report(demo):
    stats = year_statistics(User.objects.get(username="b01_chief"), YEAR)
    client = _client("b01_chief")
    for key in ("cases_opened", "funds_recovered"):
        response = client.get(reverse("enforcement:statistics-rows-export"), {"figure": key, "year": YEAR})
        assert response.status_code == 200
        rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(rows) if r[1] == "管辖单位")
        data, total = rows[header + 1 : -1], rows[-1]
        assert total[0] == "合计" and int(total[1]) == len(data)
        if key == "funds_recovered":
            assert Decimal(str(total[3])) == stats.total[key] > 0
        else:
            assert int(total[1]) == stats.total[key] > 0


# --- Stored monthly aggregates (closed months) + live current month: equal to the live computation --------------


def _comparable(stats):
    return {
        "rows": [(r.unit.code, r.figures) for r in stats.rows],
        "total": stats.total,
        "previous": stats.previous,
        "months": stats.months,
        "funnel": stats.funnel,
        "screening": stats.screening,
    }


@pytest.mark.parametrize("username", ["director", "b01_chief"])
def test_stored_months_give_the_live_figures(demo, username):
    user = User.objects.get(username=username)
    stored = year_statistics(user, YEAR)
    assert stored.freshness.through == cutoff(YEAR)  # the closed months came from the stored aggregates
    assert MonthlyFigure.objects.filter(year=YEAR).exists() or timezone.localdate().month == 1
    assert _comparable(stored) == _comparable(year_statistics(user, YEAR, live=True))
    last_year = year_statistics(user, YEAR - 1)  # a past year: all stored, nothing live
    assert last_year.freshness.through == date(YEAR - 1, 12, 31)
    assert _comparable(last_year) == _comparable(year_statistics(user, YEAR - 1, live=True))


def test_screening_hit_rate_equals_its_lists(demo):
    stats = year_statistics(User.objects.get(username="director"), YEAR)
    assert stats.screening is not None
    client = _client("director")
    checked = 0
    for _label, cells in [*stats.screening["rows"], ("total", stats.screening["total"])]:
        for stage, (value, url) in zip(SCREENING, cells, strict=False):
            if stage.summed:  # the hits: the sum of the listed leads' hit counts
                response = client.get(url)
                assert response.status_code == 200
                shown = sum(lead.hits for lead in response.context["filterset"].qs)
            else:
                shown = listed(client, url, False)
            assert shown == value, (stage.key, url)
            checked += 1
        confirmed, dismissed = cells[2][0], cells[3][0]
        precision = cells[-1][0]
        assert precision == (round(confirmed * 100 / (confirmed + dismissed), 1) if confirmed + dismissed else None)
    total = stats.screening["total"]
    assert total[0][0] > total[1][0] > 0  # hits → leads
    assert checked == 4 * (len(stats.rows) + 1)
    body = client.get(reverse("statistics"), {"year": YEAR}).json()
    assert body["screening"]["total"]["hits"] == total[0][0]
    assert sum(r["leads"] for r in body["screening"]["rows"]) == body["screening"]["total"]["leads"]
    page = client.get(reverse("enforcement:statistics"), {"year": YEAR}).content.decode()
    assert "statistics-screening" in page


def test_branch_chief_sees_only_their_branchs_screening(demo):
    body = _client("b01_chief").get(reverse("statistics"), {"year": YEAR}).json()
    if body["screening"] is not None:
        assert [r["unit"]["code"] for r in body["screening"]["rows"]] == ["B01"]
        assert body["screening"]["total"] == {k: v for k, v in body["screening"]["rows"][0].items() if k != "unit"}


def test_a_new_case_counts_at_once(demo):
    director = User.objects.get(username="director")
    before = year_statistics(director, YEAR)
    b01 = OrgUnit.objects.get(code="B01")
    institution = Institution.objects.filter(jurisdiction=b01).first()
    CaseFactory(institution=institution, jurisdiction=b01, opened_at=timezone.now())  # this month: live
    after = year_statistics(director, YEAR)
    row = next(r for r in after.rows if r.unit.code == "B01")
    old = next(r for r in before.rows if r.unit.code == "B01")
    assert row.figures["cases_opened"] == old.figures["cases_opened"] + 1
    assert after.total["cases_opened"] == before.total["cases_opened"] + 1
    assert figure_mismatches("director", YEAR) == []


def test_a_change_in_a_closed_month_shows_after_the_refresh_it_queues(demo, django_capture_on_commit_callbacks):
    closed = cutoff(YEAR)  # the last stored day
    if closed.year != YEAR:
        pytest.skip("in January no month of the year is stored yet")
    director = User.objects.get(username="director")
    before = year_statistics(director, YEAR)
    b01 = OrgUnit.objects.get(code="B01")
    institution = Institution.objects.filter(jurisdiction=b01).first()
    with django_capture_on_commit_callbacks() as callbacks:
        LeadFactory(institution=institution, jurisdiction=b01, received_on=closed, source="complaint")
    stale = year_statistics(director, YEAR)
    assert stale.total["leads_received"] == before.total["leads_received"]  # not yet: the stored month is as of
    assert callbacks  # the save queued its mark for the commit
    for callback in callbacks:
        callback()  # the commit: marks the snapshot changed and queues the refresh (run at once in tests)
    fresh = year_statistics(director, YEAR)
    assert fresh.total["leads_received"] == before.total["leads_received"] + 1
    assert fresh.months["leads_received"][closed.month - 1] == before.months["leads_received"][closed.month - 1] + 1
    assert fresh.freshness.refreshed_at > before.freshness.refreshed_at and fresh.freshness.changed_at is None
    assert figure_mismatches("director", YEAR) == []


def test_the_page_says_how_current_the_stored_months_are(demo):
    client = _client("director")
    client.get(reverse("enforcement:statistics"))  # stores the year
    snapshot = StatisticsSnapshot.objects.get(year=YEAR)
    if snapshot.through.year != YEAR:
        pytest.skip("in January no month of the year is stored yet")
    stamp = f"{timezone.localtime(snapshot.refreshed_at):%Y-%m-%d %H:%M}"
    page = client.get(reverse("enforcement:statistics")).content.decode()
    assert f"数据截至 {stamp}" in page and snapshot.through.isoformat() in page
    assert reverse("enforcement:statistics-refresh") in page and "正在刷新" not in page
    StatisticsSnapshot.objects.filter(pk=snapshot.pk).update(changed_at=timezone.now())
    assert "正在刷新" in client.get(reverse("enforcement:statistics")).content.decode()
    assert f"数据截至 {stamp}" in client.get(reverse("home")).content.decode()


def test_refresh_on_demand_recomputes_the_stored_months(demo):
    client = _client("b01_chief")
    assert client.get(reverse("enforcement:statistics-refresh")).status_code == 405
    response = client.post(reverse("enforcement:statistics-refresh"), {"year": YEAR})
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}")
    snapshot = StatisticsSnapshot.objects.get(year=YEAR)  # the task ran (immediate backend in tests)
    assert snapshot.through == cutoff(YEAR) and snapshot.changed_at is None
    first = snapshot.refreshed_at
    client.post(reverse("enforcement:statistics-refresh"), {"year": YEAR})  # within a minute: not repeated
    assert StatisticsSnapshot.objects.get(year=YEAR).refreshed_at == first


def test_the_nightly_job_refreshes_this_year_and_last(demo):
    from enforcement.statistics.tasks import statistics_nightly

    assert statistics_nightly() == 2
    assert set(StatisticsSnapshot.objects.values_list("year", flat=True)) >= {YEAR - 1, YEAR}


@pytest.mark.parametrize(
    ("name", "path"),
    [("page", "enforcement:statistics"), ("api", "statistics"), ("home", "home")],
)
def test_statistics_answer_in_a_bounded_number_of_queries(demo, django_assert_max_num_queries, name, path):
    client = _client("director")
    client.get(reverse(path))  # the year's closed months stored once
    with django_assert_max_num_queries(QUERY_BUDGET[name]):
        assert client.get(reverse(path)).status_code == 200
