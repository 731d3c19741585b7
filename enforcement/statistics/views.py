"""The statistics page (统计), its Excel report, and the director's home section."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from enforcement.statistics.selectors import FIGURES, FIGURES_BY_KEY, HEADLINE, year_statistics
from portal.xlsx_report import report_response, report_workbook
from supervision.mixins import ScopedMixin

YEARS_BACK = 5


def chosen_year(value) -> int | None:
    """The ``year`` parameter: an integer year not in the future (None when absent or invalid)."""
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= this_year else None


def chart_data(stats) -> dict:
    """What the charts draw (statistics-charts.js reads it from a json_script tag)."""
    labels = {f.key: str(f.label) for f in FIGURES}
    return {
        "year": stats.year,
        "months": [_("Month %(month)s") % {"month": m} for m in range(1, 13)],
        "labels": labels,
        "trend": {k: [float(v) for v in stats.months[k]] for k in labels},
        "units": [row.unit.name for row in stats.rows],
        "by_unit": {k: [float(row.figures[k]) for row in stats.rows] for k in labels},
        "counts": ["cases_opened", "cases_decided", "inspections", "leads_confirmed"],
        "money": ["funds_recovered", "fines"],
    }


def table(stats) -> dict:
    """The page's table: one line per unit and the total, each cell (value, link, is money)."""

    def cells(values: dict, links: dict) -> list:
        return [(values[f.key], links.get(f.key), bool(f.money)) for f in FIGURES]

    return {
        "figures": FIGURES,
        "rows": [(row.unit, cells(row.figures, row.links)) for row in stats.rows],
        "total": cells(stats.total, stats.total_links),
        "previous": [(stats.previous[f.key], None, bool(f.money)) for f in FIGURES],
        "change": [stats.change(f.key) for f in FIGURES],
        "months": [
            (f, [(v, url, bool(f.money)) for v, url in zip(stats.months[f.key], stats.month_links[f.key], strict=True)])
            for f in FIGURES
        ],
    }


class StatisticsView(ScopedMixin, TemplateView):
    """The year's figures per unit in scope with the total, the months, last year and the lead funnel."""

    permission_required = "enforcement.view_statistics"
    template_name = "enforcement/statistics/statistics.html"

    def get_year(self) -> int:
        return chosen_year(self.request.GET.get("year")) or timezone.localdate().year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        stats = year_statistics(self.request.user, year, self.request)
        this_year = timezone.localdate().year
        context.update(
            stats=stats,
            year=year,
            years=list(range(this_year, this_year - YEARS_BACK, -1)),
            charts=chart_data(stats),
            table=table(stats),
        )
        return context


class StatisticsExportView(StatisticsView):
    """The statistics table as an Excel report: title, unit, period, money unit, the rows and the total."""

    def get(self, request, *args, **kwargs):
        year = self.get_year()
        stats = year_statistics(request.user, year, request)
        headers = [_("Unit"), *[str(f.label) for f in FIGURES]]
        rows = [[row.unit.name, *[row.figures[f.key] for f in FIGURES]] for row in stats.rows]
        units = "、".join(u.name for u in request.user.scope_units()) or "—"
        workbook = report_workbook(
            title=_("Fund supervision statistics %(year)s") % {"year": year},
            meta=[(_("Unit"), units), (_("Period"), f"{year}-01-01 – {year}-12-31"),
                  (_("Unit of money"), _("CNY")), (_("Exported at"), f"{timezone.localtime():%Y-%m-%d %H:%M}")],
            headers=headers,
            rows=rows,
            totals=[_("Total"), *[stats.total[f.key] for f in FIGURES]],
            note=_("Each figure counts the rows of the list it links to on the statistics page."),
        )  # fmt: skip
        return report_response(f"statistics-{year}", workbook)


def director_home_section(user) -> dict | None:
    """The year's headline figures and charts on the director's home page."""
    if not user.has_role("director") or not user.has_perm("enforcement.view_statistics"):
        return None
    year = timezone.localdate().year
    stats = year_statistics(user, year)
    headline = [(FIGURES_BY_KEY[k], stats.total[k], stats.total_links[k], stats.change(k)) for k in HEADLINE]
    return {"template": "enforcement/statistics/_home_section.html", "stats": stats, "headline": headline,
            "charts": chart_data(stats)}  # fmt: skip
