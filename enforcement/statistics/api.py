"""``GET /api/v1/statistics/?year=YYYY`` (contract): the statistics page's figures as JSON."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.statistics.selectors import FIGURES, FUNNEL, SCREENING, year_statistics
from enforcement.statistics.views import chosen_year


def _json(value):
    return f"{value:.2f}" if isinstance(value, Decimal) else value  # money is a decimal string


def _figures(values: dict) -> dict:
    return {f.key: _json(values[f.key]) for f in FIGURES}


class StatisticsAPIView(APIView):
    """One row per branch (or the city bureau's own row) in the caller's scope, and the total of the rows."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="The year (default: this year).")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if not request.user.has_perm("enforcement.view_statistics"):
            raise exceptions.PermissionDenied()
        raw = request.query_params.get("year")
        year = chosen_year(raw) if raw not in (None, "") else timezone.localdate().year
        if year is None:
            raise exceptions.ValidationError({"year": [_("Give a year from 2000 to this year.")]})
        stats = year_statistics(request.user, year, request)
        return Response(
            {
                "year": year,
                "rows": [
                    {"unit": {"id": r.unit.pk, "code": r.unit.code, "name": r.unit.name}, **_figures(r.figures)}
                    for r in stats.rows
                ],
                "total": _figures(stats.total),
                "previous_year": _figures(stats.previous),
                "months": {f.key: [_json(v) for v in stats.months[f.key]] for f in FIGURES},
                "lead_funnel": [
                    {"source": source, **{stage.key: value for stage, (value, _url) in zip(FUNNEL, cells, strict=True)}}
                    for source, _label, cells in stats.funnel
                ],
                "screening": _screening(stats),
                "data_as_of": _freshness(stats.freshness),
            }
        )


def _screening_cells(cells) -> dict:
    """hits, leads, confirmed, dismissed and precision (a fraction, or null when nothing was decided yet)."""
    values = {stage.key.removeprefix("screening_"): value for stage, (value, _u) in zip(SCREENING, cells, strict=False)}
    decided = values["confirmed"] + values["dismissed"]
    return {**values, "precision": round(values["confirmed"] / decided, 3) if decided else None}


def _screening(stats):
    """The screening hit rate per row and in total; null where the rows had no screening lead in the year."""
    if stats.screening is None:
        return None
    rows = [
        {"unit": {"id": row.unit.pk, "code": row.unit.code, "name": row.unit.name}, **_screening_cells(cells)}
        for row, (_label, cells) in zip(stats.rows, stats.screening["rows"], strict=True)
    ]
    return {"rows": rows, "total": _screening_cells(stats.screening["total"])}


def _freshness(freshness):
    """Months up to ``through`` as stored at ``refreshed_at``; from ``live_from`` on, computed on this request."""
    if freshness is None or freshness.through is None:
        return None
    return {
        "through": freshness.through.isoformat(),
        "refreshed_at": freshness.refreshed_at.isoformat(),
        "live_from": freshness.live_from.isoformat(),
        "changed_since": freshness.changed_at.isoformat() if freshness.changed_at else None,
    }
