"""The statistics page (统计), its Excel report, and the director's home section."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView, View

from enforcement.statistics.selectors import FIGURES, FIGURES_BY_KEY, HEADLINE, year_statistics
from portal.formatting import money as money_text
from portal.mixins import ScopedMixin
from portal.xlsx_report import report_response, report_workbook

YEARS_BACK = 5
REFRESH_AGAIN_AFTER = 60  # seconds: an on-demand refresh within this of the last one is not repeated


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
        "units": [row.label for row in stats.rows],
        "by_unit": {k: [float(row.figures[k]) for row in stats.rows] for k in labels},
        "counts": ["cases_opened", "cases_decided", "inspections", "leads_confirmed"],
        "money": ["funds_recovered", "fines"],
    }


def cell(value, url, money: bool = False) -> str:
    """One figure as the table shows it: the number (money as 100,000.00) linking to its list when it has one.
    Built here rather than by a template include per cell: the page has some 600 of them."""
    text = money_text(value) if money else ("—" if value is None else str(value))
    return format_html('<a href="{}">{}</a>', url, text) if url else conditional_escape(text)


def table(stats) -> dict:
    """The page's tables as HTML cells: one line per unit and the total, last year, the months, the funnel and the
    screening hit rate (each figure linking to its list)."""

    def cells(values: dict, links: dict) -> list:
        return [cell(values[f.key], links.get(f.key), bool(f.money)) for f in FIGURES]

    screening = None
    if stats.screening is not None:

        def screening_cells(line):
            *stages, (precision, _url) = line
            return [*(cell(v, url) for v, url in stages), "—" if precision is None else f"{precision}%"]

        screening = {
            "rows": [(label, screening_cells(line)) for label, line in stats.screening["rows"]],
            "total": screening_cells(stats.screening["total"]),
        }
    return {
        "figures": FIGURES,
        "rows": [(row.label, cells(row.figures, row.links)) for row in stats.rows],
        "total": cells(stats.total, stats.total_links),
        "previous": [cell(stats.previous[f.key], None, bool(f.money)) for f in FIGURES],
        "change": [stats.change(f.key) for f in FIGURES],
        "months": [
            (
                f,
                [
                    cell(v, url, bool(f.money))
                    for v, url in zip(stats.months[f.key], stats.month_links[f.key], strict=True)
                ],
            )
            for f in FIGURES
        ],
        "funnel": [(label, [cell(v, url) for v, url in cells_]) for _source, label, cells_ in stats.funnel],
        "screening": screening,
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


class StatisticsRefreshView(ScopedMixin, View):
    """POST: recompute the stored months now (queued as a task; the page says when the figures are from).

    Any user of the statistics may ask; a refresh already made in the last minute is not repeated."""

    permission_required = "enforcement.view_statistics"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from enforcement.statistics.models import StatisticsSnapshot
        from enforcement.statistics.tasks import statistics_refresh_task

        year = chosen_year(request.POST.get("year")) or timezone.localdate().year
        recent = timezone.now() - timedelta(seconds=REFRESH_AGAIN_AFTER)
        if not StatisticsSnapshot.objects.filter(year=year, refreshed_at__gte=recent, changed_at__isnull=True).exists():
            statistics_refresh_task.enqueue(year)
        messages.success(request, _("The statistics are being refreshed; reload the page in a moment."))
        return redirect(f"{reverse('enforcement:statistics')}?{urlencode({'year': year})}")


class StatisticsExportView(StatisticsView):
    """The statistics table as an Excel report: title, unit, period, money unit, the rows and the total."""

    def get(self, request, *args, **kwargs):
        year = self.get_year()
        stats = year_statistics(request.user, year, request)
        headers = [_("Unit"), *[str(f.label) for f in FIGURES]]
        rows = [[row.label, *[row.figures[f.key] for f in FIGURES]] for row in stats.rows]
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


class StatisticsRowsExportView(StatisticsView):
    """The rows one figure counts (a drill-down list) as a report: title, unit, period, the rows, the total.

    ``?figure=<key>&year=YYYY`` and optionally the unit (``jurisdiction=<id>`` or ``city_level=true``): the same
    FilterSet and parameters as the figure and its link, over the user's scope.
    """

    def get(self, request, *args, **kwargs):
        from django.http import Http404, QueryDict

        figure = FIGURES_BY_KEY.get(request.GET.get("figure", ""))
        if figure is None:
            raise Http404(_("Not found."))
        year = self.get_year()
        unit = [(k, request.GET[k]) for k in ("jurisdiction", "city_level") if request.GET.get(k)]
        query = figure.query(date(year, 1, 1), date(year, 12, 31), *unit)
        filterset_class = figure.filterset_class
        model = filterset_class._meta.model
        filterset = filterset_class(
            QueryDict(urlencode(query)), queryset=model.objects.visible_to(request.user), request=request
        )
        if not filterset.is_valid():
            raise Http404(_("Not found."))
        rows_qs = filterset.qs.select_related("jurisdiction", "institution").order_by(figure.date_field, "pk")
        date_label = model._meta.get_field(figure.date_field).verbose_name
        headers = [pgettext("exported rows", "Record"), _("Jurisdiction"), date_label]
        if figure.money:
            headers.append(_("Amount (CNY)"))
        rows, total = [], figure.zero()
        for obj in rows_qs.iterator(chunk_size=2000):
            value = getattr(obj, figure.money) if figure.money else 1
            total += value
            on = getattr(obj, figure.date_field)
            line = [str(obj), obj.jurisdiction.name, timezone.localtime(on).date() if hasattr(on, "tzinfo") else on]
            rows.append([*line, value] if figure.money else line)
        units = filter_unit_names(request, unit)
        workbook = report_workbook(
            title=f"{figure.label} · {year}",
            meta=[(_("Unit"), units), (_("Period"), f"{year}-01-01 – {year}-12-31"),
                  (_("Unit of money"), _("CNY")), (_("Exported at"), f"{timezone.localtime():%Y-%m-%d %H:%M}")],
            headers=headers,
            rows=rows,
            totals=[_("Total"), f"{len(rows)}", "", total] if figure.money else [_("Total"), f"{len(rows)}", ""],
        )  # fmt: skip
        return report_response(f"{figure.key}-{year}", workbook)


def filter_unit_names(request, unit) -> str:
    from supervision.org.models import OrgUnit

    params = dict(unit)
    if "jurisdiction" in params:
        found = OrgUnit.objects.filter(pk=params["jurisdiction"]).first()
        return found.name if found else "—"
    if params.get("city_level"):
        return _("City bureau (city level)")
    return "、".join(u.name for u in request.user.scope_units()) or "—"


def director_home_section(user) -> dict | None:
    """The year's headline figures and charts on the director's home page."""
    if not user.has_role("director") or not user.has_perm("enforcement.view_statistics"):
        return None
    year = timezone.localdate().year
    stats = year_statistics(user, year)
    headline = [(FIGURES_BY_KEY[k], stats.total[k], stats.total_links[k], stats.change(k)) for k in HEADLINE]
    precision = stats.screening["total"][-1][0] if stats.screening else None
    return {"template": "enforcement/statistics/_home_section.html", "stats": stats, "headline": headline,
            "charts": chart_data(stats), "precision": precision}  # fmt: skip
