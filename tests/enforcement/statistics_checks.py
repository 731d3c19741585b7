"""Shared check of the statistics (issue 17): every figure equals the list it links to, on whatever data is loaded."""

from rest_framework.test import APIClient

from enforcement.statistics.selectors import FIGURES, year_statistics
from supervision.org.models import User


def listed(client, url: str, money: bool):
    """What the list page at ``url`` shows: its row count, or the total of its rows for money."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["totals"]["total"] if money else response.context["paginator"].count


def figure_mismatches(username: str, year: int) -> list:
    """(unit, figure, figure's value, list's value) for every cell of the table (rows and total) that differs."""
    user = User.objects.get(username=username)
    stats = year_statistics(user, year)
    client = APIClient()
    client.force_login(user)
    mismatches = []
    for label, values, links in [(r.unit.code, r.figures, r.links) for r in stats.rows] + [
        ("total", stats.total, stats.total_links)
    ]:
        for figure in FIGURES:
            shown = listed(client, links[figure.key], bool(figure.money))
            if shown != values[figure.key]:
                mismatches.append((label, figure.key, values[figure.key], shown))
    return mismatches
