"""GET /api/v1/deadlines/?from=YYYY-MM-DD: the statutory clocks from a start date (contract), computed by the
same functions the cases use (enforcement.clocks)."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.cases import clocks
from portal.api import DomainPermission


class DeadlinesSerializer(serializers.Serializer):
    filing_decision = serializers.DateField()
    hearing_request = serializers.DateField()
    hearing_earliest = serializers.DateField()
    service = serializers.DateField()
    payment = serializers.DateField()
    evidence_preservation = serializers.DateField()
    decision = serializers.DateField()
    transfer_approval = serializers.DateField()


class DeadlinesResponseSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    deadlines = DeadlinesSerializer()


DeadlinesResponseSerializer._declared_fields["from"] = serializers.DateField()


def parse_start(raw) -> date:
    if not raw:
        raise exceptions.ValidationError({"from": [_("Give the start date, e.g. ?from=2026-03-02.")]})
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError({"from": [_("Not a date (YYYY-MM-DD).")]}) from None


class DeadlinesView(APIView):
    """The statutory clocks counted from ``from`` (any staff user)."""

    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    perms = {"*": "enforcement.view_penaltyrule"}  # reference data, as the rules page
    action = "deadlines"

    @extend_schema(
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="Start date")],
        responses={200: DeadlinesResponseSerializer},
    )
    def get(self, request, *args, **kwargs):
        start = parse_start(request.query_params.get("from"))
        deadlines = {key: day.isoformat() for key, day in clocks.deadlines_from(start).items()}
        return Response({"from": start.isoformat(), "deadlines": deadlines})
