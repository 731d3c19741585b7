"""The year's figures per unit (domain §9, contract ``statistics/``), computed from the lists themselves.

Each figure is ONE definition (``FIGURES``): the list page it drills down to, that list's FilterSet, the filter
parameters that select its rows, the date filter that bounds the year and the field summed (money) or nothing
(a count). The aggregate runs the list's own FilterSet over the user's scoped queryset (``visible_to``) and
groups the result by jurisdiction and month in SQL; the link is the same parameters plus the unit. So a figure
always equals the count (or the total) of the list it links to.

Rows are the branches in the user's scope, plus, for city-wide users, one row for the city bureau itself (its
divisions' records, e.g. cases taken over): every record lies in exactly one row, so the total row (computed as
the sum of the rows) equals the whole scope. A branch user's row is their branch; records they see through an
explicit grant elsewhere belong to other rows and are not counted.

Speed (bench scale: 200k leads, 30k cases): the months up to the end of last month are read from stored monthly
aggregates (models.MonthlyFigure, written by services.statistics_refresh from these same definitions over every
record); the months after that are computed on each request, over the units of the user's rows, in one UNION ALL
query. ``year_statistics(..., live=True)`` is the whole computation from the lists, which the stored path must
equal (tests/enforcement/test_statistics.py) and which the bench times beside it.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, DateTimeField, F, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.org.models import OrgUnit

CENT = Decimal("0.01")
MONTHS = range(1, 13)


@dataclass(frozen=True)
class Figure:
    """One statistic: which list it counts, with which filters, bounded in time by which date filter."""

    key: str
    label: str
    url_name: str
    filterset: str  # dotted path of the list's FilterSet
    date_filter: str  # the list's range filter: <name>_after / <name>_before
    date_field: str  # the model field that filter reads, for the month
    params: tuple = ()  # (name, value) pairs, repeated for multiple choices
    money: str = ""  # the money field summed; empty: the rows are counted
    summed: str = ""  # a whole-number field summed instead of counting the rows (a screening lead's hits)
    split: tuple = ()  # further grouping fields (the funnel: the lead's source, and its status)

    @cached_property
    def filterset_class(self):
        from django.utils.module_loading import import_string

        return import_string(self.filterset)

    def query(self, start: date, end: date, *extra) -> list[tuple[str, str]]:
        return [*self.params, (f"{self.date_filter}_after", start.isoformat()),
                (f"{self.date_filter}_before", end.isoformat()), *extra]  # fmt: skip

    def link(self, start: date, end: date, *extra) -> str:
        return f"{_path(self.url_name)}?{urlencode(self.query(start, end, *extra))}"

    def zero(self):
        return Decimal("0.00") if self.money else 0

    def value(self, stored):
        """A stored aggregate (a decimal) as this figure's value: money stays a decimal, counts are integers."""
        return stored if self.money else int(stored)

    @property
    def statuses(self) -> set:
        return {value for name, value in self.params if name == "status"}


_PATHS: dict = {}


def _path(url_name: str) -> str:
    """The list's path (reversed once per script prefix: a table has hundreds of links to a handful of lists)."""
    key = (url_name, get_script_prefix())
    if key not in _PATHS:
        _PATHS[key] = reverse(url_name)
    return _PATHS[key]


def _lead_stage(key, label, *statuses) -> Figure:
    return Figure(key, label, LEADS, LEAD_FILTER, "received", "received_on",
                  tuple(("status", s) for s in statuses), split=("source",))  # fmt: skip


CASES, LEADS, ACTIONS = "enforcement:case-list", "supervision:lead-list", "enforcement:agreementaction-list"
LEDGER = "enforcement:recovery-list"
CASE_FILTER, ACTION_FILTER = (
    "enforcement.cases.filters.CaseFilter",
    "enforcement.agreement_actions.filters.AgreementActionFilter",
)
LEDGER_FILTER = "enforcement.recoveries.filters.RecoveryEntryFilter"
LEAD_FILTER, INSPECTION_FILTER = (
    "supervision.leads.filters.LeadFilter",
    "supervision.inspections.filters.InspectionFilter",
)

# The contract's figures, in the order of the table.
FIGURES: list[Figure] = [
    Figure("inspections", _("Inspections"), "supervision:inspection-list", INSPECTION_FILTER,
           "planned", "planned_on", (("status", "in_progress"), ("status", "finished"), ("status", "closed"))),
    Figure("leads_received", _("Leads received"), LEADS, LEAD_FILTER, "received", "received_on"),
    Figure("leads_confirmed", _("Leads confirmed"), LEADS, LEAD_FILTER, "decided", "decided_on",
           (("status", "confirmed"), ("status", "converted"))),
    Figure("cases_opened", _("Cases opened"), CASES, CASE_FILTER, "opened", "opened_at"),
    Figure("cases_decided", _("Cases decided"), CASES, CASE_FILTER, "decided", "decided_on"),
    Figure("cases_closed", _("Cases closed"), CASES, CASE_FILTER, "closed", "closed_on",
           (("state", "closed"), ("state", "archived"))),
    Figure("fines", _("Fines imposed (CNY)"), LEDGER, LEDGER_FILTER, "on", "on",
           (("entry", "obligation"), ("route", "fine")), money="amount"),
    Figure("confiscations", _("Confiscations (CNY)"), LEDGER, LEDGER_FILTER, "on", "on",
           (("entry", "obligation"), ("route", "confiscation")), money="amount"),
    Figure("funds_recovered", _("Funds recovered (CNY)"), LEDGER, LEDGER_FILTER, "on", "on",
           (("entry", "payment"), ("entry", "offset"), ("fund", "true")), money="amount"),
    Figure("suspensions", _("Agreements suspended"), ACTIONS, ACTION_FILTER, "applied", "applied_at",
           (("kind", "suspend"),)),
    Figure("terminations", _("Agreements terminated"), ACTIONS, ACTION_FILTER, "applied", "applied_at",
           (("kind", "terminate"),)),
    Figure("interviews", _("Interviews"), ACTIONS, ACTION_FILTER, "applied", "applied_at", (("kind", "interview"),)),
    Figure("reports_received", _("Reports received"), "supervision:report-list",
           "supervision.reports.filters.ReportFilter", "received", "received_on"),
]  # fmt: skip
FIGURES_BY_KEY = {f.key: f for f in FIGURES}

# The lead funnel per source, on the leads received in the year: how far each got.
FUNNEL: list[Figure] = [
    _lead_stage("received", pgettext_lazy("lead funnel", "Received")),
    _lead_stage("dispatched", _("Dispatched"), "dispatched", "verifying", "dismissed", "confirmed", "converted"),
    _lead_stage("confirmed", _("Confirmed"), "confirmed", "converted"),
    _lead_stage("converted", _("Converted to a case or measure"), "converted"),
]

# Smart screening's hit rate (supervision/screening), on the screening leads received in the year: the hits they
# carry → the leads → confirmed / dismissed on verification → precision (confirmed ÷ decided, as the rule library's
# funnel defines it). Each stage is the lead list filtered to screening (and the stage's statuses); the hits are
# the sum of those leads' hit counts.
SCREENING_SOURCE = "screening"  # Lead.Source.SCREENING (the leads' models are not imported at module level)
_SCREENING = (("source", SCREENING_SOURCE),)
SCREENING: list[Figure] = [
    Figure("screening_hits", _("Hits"), LEADS, LEAD_FILTER, "received", "received_on", _SCREENING, summed="hits"),
    Figure("screening_leads", _("Leads from hits"), LEADS, LEAD_FILTER, "received", "received_on", _SCREENING),
    Figure("screening_confirmed", _("Confirmed"), LEADS, LEAD_FILTER, "received", "received_on",
           (*_SCREENING, ("status", "confirmed"), ("status", "converted"))),
    Figure("screening_dismissed", _("Dismissed"), LEADS, LEAD_FILTER, "received", "received_on",
           (*_SCREENING, ("status", "dismissed"))),
]  # fmt: skip

# What is aggregated per unit and month (stored for closed months, live for the rest): the figures, the lead
# funnel grouped by source and status (its stages and the screening lead stages sum statuses of it), and the
# screening hits grouped by the lead's status.
LEAD_FUNNEL = replace(FUNNEL[0], key="lead_funnel", split=("source", "status"))
SCREENING_HITS = replace(SCREENING[0], split=("status",))
SERIES: list[Figure] = [*FIGURES, LEAD_FUNNEL, SCREENING_HITS]

HEADLINE = ["cases_opened", "cases_decided", "funds_recovered", "fines", "inspections", "leads_received"]


@dataclass
class Row:
    """A unit's row: the unit, the filter parameters that select its records, and its figures."""

    unit: OrgUnit
    unit_params: tuple  # (("jurisdiction", id),) or (("city_level", "true"),)
    figures: dict = field(default_factory=dict)  # key → value for the year
    links: dict = field(default_factory=dict)  # key → list URL

    @property
    def label(self) -> str:
        """The branch's name; the city bureau's row counts its own and its divisions' records only."""
        if self.unit.kind == OrgUnit.Kind.CITY:
            return _("%(name)s (city level)") % {"name": self.unit.name}
        return self.unit.name


def statistics_rows(user) -> list[Row]:
    """The rows in the user's scope: each branch they see; city-wide users also get the city bureau's own row."""
    units = list(OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.CITY]).order_by("path"))
    scope = user.scope_units()
    city_wide = user.is_superuser or any(u.parent_id is None for u in scope)
    rows = []
    for unit in units:
        if unit.kind == OrgUnit.Kind.BRANCH and (city_wide or any(unit.path.startswith(s.path) for s in scope)):
            rows.append(Row(unit, (("jurisdiction", str(unit.pk)),)))
    city = next((u for u in units if u.kind == OrgUnit.Kind.CITY), None)
    if city_wide and city is not None:
        rows.append(Row(city, (("city_level", "true"),)))
    return rows


def _row_of_unit(rows: list[Row]) -> dict[int, int]:
    """Jurisdiction unit id → index of the row that counts its records (its branch, else the city row)."""
    branch_rows = {r.unit.path: i for i, r in enumerate(rows) if r.unit.kind == OrgUnit.Kind.BRANCH}
    city_row = next((i for i, r in enumerate(rows) if r.unit.kind == OrgUnit.Kind.CITY), None)
    mapping = {}
    for pk, path, kind in OrgUnit.objects.values_list("pk", "path", "kind"):
        row = next((i for p, i in branch_rows.items() if path.startswith(p)), None)
        if row is None and kind in (OrgUnit.Kind.CITY, OrgUnit.Kind.DIVISION):
            row = city_row
        if row is not None:
            mapping[pk] = row
    return mapping


def _filtered(figure: Figure, user, request, start: date, end: date):
    """The figure's list over [start, end]: its own FilterSet with its parameters over ``visible_to(user)``."""
    filterset_class = figure.filterset_class
    model = filterset_class._meta.model
    data = QueryDict(urlencode(figure.query(start, end)))
    queryset = model.objects.all() if user is None else model.objects.visible_to(user)
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():  # a definition error, not user input
        raise ValueError(f"{figure.key}: {filterset.errors.as_json()}")
    return filterset.qs.order_by()


_UNSCOPED: dict = {}  # (figure key, start, end) → the unevaluated filtered queryset over every record


def _filtered_all(figure: Figure, start: date, end: date):
    """``_filtered`` over every record, built once per process and range (the FilterSet costs more than the query
    of a month); only ever cloned, never evaluated itself."""
    key = (figure.key, start, end)
    if key not in _UNSCOPED:
        if len(_UNSCOPED) > 200:
            _UNSCOPED.clear()
        queryset = _filtered(figure, None, None, start, end)
        model_field = queryset.model._meta.get_field(figure.date_field)
        if isinstance(model_field, DateTimeField):
            # The list's date filter compares the local date (not indexable); the same bounds on the timestamp
            # itself select the same rows and let the database use the field's index.
            lower = timezone.make_aware(datetime.combine(start, datetime.min.time()))
            upper = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
            queryset = queryset.filter(**{f"{figure.date_field}__gte": lower, f"{figure.date_field}__lt": upper})
        _UNSCOPED[key] = queryset
    return _UNSCOPED[key]


def aggregate(figure: Figure, user, request, start: date, end: date, units: list | None = None) -> dict:
    """{(jurisdiction id, year, month[, split values]): value} over the figure's list, in the user's scope; with
    ``user`` None over every record (the stored aggregates and the live months, which each reader maps to the rows
    of its scope), restricted to the jurisdiction ``units`` when given."""
    if user is None:
        queryset = _filtered_all(figure, start, end)
        if units is not None:
            queryset = queryset.filter(jurisdiction_id__in=units)
    else:
        queryset = _filtered(figure, user, request, start, end)
    groups = {"jid": F("jurisdiction_id"), "y": ExtractYear(figure.date_field), "m": ExtractMonth(figure.date_field)}
    for index, name in enumerate(figure.split):
        groups[f"s{index}"] = F(name)
    summed = figure.money or figure.summed
    value = Sum(summed) if summed else Count("pk")
    result = {}
    for row in queryset.values(**groups).annotate(v=value):
        key = (row["jid"], row["y"], row["m"], *(row[f"s{i}"] for i in range(len(figure.split))))
        result[key] = row["v"] or figure.zero()
    return result


def aggregate_all(start: date, end: date, units: list | None = None) -> dict:
    """Every series (``SERIES``) over every record dated in [start, end] (of the jurisdiction ``units`` when given),
    in ONE query: each series' grouped list query, joined by UNION ALL. {series key: {cell: value}}, cells as in
    ``aggregate``."""
    from django.db.models import CharField, DecimalField, Value
    from django.db.models.functions import Cast

    parts = []
    for figure in SERIES:
        queryset = _filtered_all(figure, start, end)
        if units is not None:
            queryset = queryset.filter(jurisdiction_id__in=units)
        splits = [Cast(F(name), CharField()) for name in figure.split] + [Value("", CharField())] * 2
        summed = figure.money or figure.summed
        value = Cast(Sum(summed) if summed else Count("pk"), DecimalField(max_digits=18, decimal_places=2))
        groups = {"k": Value(figure.key, CharField()), "jid": F("jurisdiction_id"),
                  "y": ExtractYear(figure.date_field), "m": ExtractMonth(figure.date_field),
                  "s0": splits[0], "s1": splits[1]}  # fmt: skip
        parts.append(queryset.values(**groups).annotate(v=value).values_list("k", "jid", "y", "m", "s0", "s1", "v"))
    result = {figure.key: {} for figure in SERIES}
    lengths = {figure.key: len(figure.split) for figure in SERIES}
    for key, jid, y, m, s0, s1, value in parts[0].union(*parts[1:], all=True):
        result[key][(jid, int(y), int(m), *(s0, s1)[: lengths[key]])] = value or Decimal("0.00")
    return result


def _money(value):
    return value.quantize(CENT) if isinstance(value, Decimal) else value


@dataclass
class Freshness:
    """How current the figures are: months up to ``through`` as stored at ``refreshed_at``, later ones live."""

    through: date | None  # None: everything computed live
    refreshed_at: object = None  # aware datetime of the stored months' refresh
    changed_at: object = None  # a record of a stored month was written after the refresh (a refresh is due)

    @property
    def live_from(self) -> date | None:
        return None if self.through is None else self.through + timedelta(days=1)


@dataclass
class Statistics:
    """Everything the statistics page, its export, the API and the director's home panel show."""

    year: int
    rows: list[Row]
    total: dict  # key → value, the sum of the rows
    total_links: dict  # key → list URL (None when the rows do not form one list filter)
    previous: dict  # key → last year's total
    months: dict  # key → [12 values]
    month_links: dict  # key → [12 URLs]
    funnel: list  # [(source value, label, [(value, url), ...] per stage)]
    screening: dict | None = None  # {"rows": [(label, cells)], "total": cells}; None where there is no screening
    freshness: Freshness | None = None

    @property
    def figures(self) -> list[Figure]:
        return FIGURES

    @property
    def funnel_stages(self) -> list[Figure]:
        return FUNNEL

    @property
    def screening_stages(self) -> list[Figure]:
        return SCREENING

    def change(self, key: str):
        """This year against last year, in percent (None when last year had none)."""
        before = self.previous.get(key)
        if not before:
            return None
        return round((self.total[key] - before) * 100 / before, 1)


def _collect(user, request, year: int, row_of: dict, city_wide: bool, live: bool) -> tuple[dict, Freshness]:
    """{series key: {(jurisdiction id, year, month, *splits): value}} for ``year`` and the year before.

    ``live``: every record in the user's scope, from the lists (the definition). Otherwise the stored aggregates for
    the months up to the snapshot's cut-off and the months after it computed now, both over every record of the
    units of the user's rows (rows are jurisdiction subtrees inside the scope, so this is the same set: records seen
    only through a grant belong to no row). A record lies in exactly one of the two date ranges, so the sum is what
    the live computation of the whole range gives (a test holds them equal)."""
    start, end = date(year - 1, 1, 1), date(year, 12, 31)
    data = {figure.key: defaultdict(int) for figure in SERIES}
    if live:
        for figure in SERIES:
            data[figure.key].update(aggregate(figure, user, request, start, end))
        return data, Freshness(None)
    from enforcement.statistics.services import snapshots_for

    snapshot = snapshots_for(year)  # last year's complete, this year's up to its cut-off (made when missing)
    freshness = Freshness(snapshot.through, snapshot.refreshed_at, snapshot.changed_at)
    units = None if city_wide else list(row_of)  # a branch user: their branch's units only
    _stored(data, year, units)
    if freshness.live_from <= end:
        for key, cells in aggregate_all(freshness.live_from, end, units).items():
            for cell, value in cells.items():
                data[key][cell] += value
    return data, freshness


def _stored(data: dict, year: int, units: list | None) -> None:
    """Add the stored months to ``data``, summed in SQL down to what the page shows: the figures per unit and month
    this year and per unit last year; the funnel and the screening hits per unit and split value this year."""
    from django.db.models import Q

    from enforcement.statistics.models import MonthlyFigure

    stored = MonthlyFigure.objects.all() if units is None else MonthlyFigure.objects.filter(unit_id__in=units)
    keys = [figure.key for figure in FIGURES]
    splits = {LEAD_FUNNEL.key: 2, SCREENING_HITS.key: 1}
    by_month = stored.filter(year=year, key__in=keys).values_list("key", "unit_id", "month", "value")
    for key, jid, m, value in by_month:
        data[key][(jid, year, m)] += value
    by_year = Q(year=year - 1, key__in=keys)
    for key, jid, value in stored.filter(by_year).values_list("key", "unit_id").annotate(v=Sum("value")).order_by():
        data[key][(jid, year - 1, 1)] += value  # last year counts as one sum (its month is not shown)
    split_rows = (
        stored.filter(year=year, key__in=list(splits))
        .values_list("key", "unit_id", "split0", "split1")
        .annotate(v=Sum("value"))
        .order_by()
    )
    for key, jid, s0, s1, value in split_rows:
        data[key][(jid, year, 1, *(s0, s1)[: splits[key]])] += value  # the funnel and screening: the year's sum


def year_statistics(user, year: int, request=None, *, live: bool | None = None) -> Statistics:
    """The year's figures per unit in the user's scope, the total, the months, last year, the lead funnel and the
    screening hit rate. ``live``: compute everything from the records (the definition the stored aggregates must
    equal); by default the closed months come from the stored aggregates (setting ``STATISTICS_AGGREGATES``)."""
    from supervision.leads.models import Lead

    if live is None:
        live = not getattr(settings, "STATISTICS_AGGREGATES", True)
    rows = statistics_rows(user)
    row_of = _row_of_unit(rows)
    start, end = date(year, 1, 1), date(year, 12, 31)
    # The total's own filter: none for a city-wide user (the rows cover the scope), the row's for a single row.
    city_wide = any(r.unit.kind == OrgUnit.Kind.CITY for r in rows)
    data, freshness = _collect(user, request, year, row_of, city_wide, live)
    total_params = () if city_wide else (rows[0].unit_params if len(rows) == 1 else None)
    total, previous, months, month_links, total_links = {}, {}, {}, {}, {}
    for figure in FIGURES:
        per_row = [figure.zero() for _r in rows]
        per_month = [figure.zero() for _m in MONTHS]
        last_year = figure.zero()
        for (jid, y, m), value in data[figure.key].items():
            index = row_of.get(jid)
            if index is None:
                continue  # seen through a grant, outside the user's rows
            value = figure.value(value)
            if y == year:
                per_row[index] += value
                per_month[m - 1] += value
            elif y == year - 1:
                last_year += value
        for row, value in zip(rows, per_row, strict=True):
            row.figures[figure.key] = _money(value)
            row.links[figure.key] = figure.link(start, end, *row.unit_params)
        total[figure.key] = _money(sum(per_row, figure.zero()))
        previous[figure.key] = _money(last_year)
        months[figure.key] = [_money(v) for v in per_month]
        if total_params is not None:
            total_links[figure.key] = figure.link(start, end, *total_params)
            month_links[figure.key] = [
                figure.link(date(year, m, 1), _month_end(year, m), *total_params) for m in MONTHS
            ]
        else:
            total_links[figure.key], month_links[figure.key] = None, [None] * 12
    # The funnel's stages differ from the first only by the lead's status: the one series grouped by source and
    # status serves them all, each stage summing the statuses its own definition (its status parameters) names.
    funnel = []
    stage_counts = []
    for stage in FUNNEL:
        counts = defaultdict(int)
        for (jid, y, _m, source, status), value in data[LEAD_FUNNEL.key].items():
            if row_of.get(jid) is not None and y == year and (not stage.statuses or status in stage.statuses):
                counts[source] += int(value)
        stage_counts.append(counts)
    for source, label in Lead.Source.choices:
        cells = []
        for stage, counts in zip(FUNNEL, stage_counts, strict=True):
            url = stage.link(start, end, ("source", source), *total_params) if total_params is not None else None
            cells.append((counts.get(source, 0), url))
        funnel.append((source, label, cells))
    screening = _screening(data, rows, row_of, year, total_params)
    return Statistics(year, rows, total, total_links, previous, months, month_links, funnel, screening, freshness)


def _screening(data: dict, rows: list[Row], row_of: dict, year: int, total_params) -> dict | None:
    """The screening hit rate per row and in total: each stage's value and link, then the precision (None when
    no screening lead of the year has been decided). None when the rows had no screening lead this year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    per_row = {stage.key: [0] * len(rows) for stage in SCREENING}
    sources = {SCREENING_HITS.key: data[SCREENING_HITS.key].items()}
    screening_leads = [(cell, v) for cell, v in data[LEAD_FUNNEL.key].items() if cell[3] == SCREENING_SOURCE]
    for stage in SCREENING:
        cells = sources[SCREENING_HITS.key] if stage.summed else screening_leads
        for (jid, y, _m, *splits), value in cells:
            status = splits[-1]
            index = row_of.get(jid)
            if index is not None and y == year and (not stage.statuses or status in stage.statuses):
                per_row[stage.key][index] += int(value)
    if not any(per_row[SCREENING[1].key]):
        return None

    def line(values: dict, params) -> list:
        cells = [(values[s.key], s.link(start, end, *params) if params is not None else None) for s in SCREENING]
        confirmed, dismissed = values["screening_confirmed"], values["screening_dismissed"]
        decided = confirmed + dismissed
        return [*cells, (round(confirmed * 100 / decided, 1) if decided else None, None)]

    table_rows = [(row.label, line({k: v[i] for k, v in per_row.items()}, row.unit_params))
                  for i, row in enumerate(rows)]  # fmt: skip
    total = line({k: sum(v) for k, v in per_row.items()}, total_params)
    return {"rows": table_rows, "total": total}


def _month_end(year: int, month: int) -> date:
    from calendar import monthrange

    return date(year, month, monthrange(year, month)[1])
