"""Statistics on the demo data (issue 17): every figure of every unit equals the count (or the total) of the list it
links to; the total row is the sum of the rows; a branch chief sees only their branch; the queries do not grow
with the number of units; the table exports as a report."""

from decimal import Decimal
from io import BytesIO, StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enforcement.statistics.selectors import FIGURES, FUNNEL, year_statistics
from supervision.org.models import OrgUnit, User
from tests.enforcement.statistics_checks import figure_mismatches, listed
from tests.shared_db import shared_fixture

YEAR = timezone.localdate().year
BRANCHES = {"B01", "B02", "B03"}


@shared_fixture(base=False)
def statistics_demo():
    # The demo data once for the module (tests/shared_db.py), rolled back at its end.
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def demo(statistics_demo):
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
