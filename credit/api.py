"""REST API of the credit app: ``credit/ratings/`` (scoped like institutions) and ``assessments/score/``."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import assessment as engine
from credit.filters import CreditRatingFilter
from credit.models import CreditRating
from credit.services import assessment_preset
from portal.api import DomainPermission, ScopedReadOnlyViewSet


class CreditRatingSerializer(serializers.ModelSerializer):
    institution_code = serializers.CharField(source="institution.code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)

    class Meta:
        model = CreditRating
        fields = ["id", "institution", "institution_code", "institution_name", "jurisdiction", "year", "score",
                  "grade", "veto_reason", "computed_at", "breakdown"]  # fmt: skip
        read_only_fields = fields


class CreditRatingViewSet(ScopedReadOnlyViewSet):
    """Credit ratings per institution and year (computed from credit events; read-only)."""

    serializer_class = CreditRatingSerializer
    filterset_class = CreditRatingFilter
    perms = {"*": "credit.view_creditrating"}

    def scoped_queryset(self, user):
        return (
            CreditRating.objects.visible_to(user)
            .select_related("institution")
            .order_by("-year", "institution__code", "pk")
        )


class ScoreRequestSerializer(serializers.Serializer):
    preset = serializers.CharField(help_text=_("Preset key, e.g. medical-community"))
    year = serializers.IntegerField()
    values = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=4))
    bonus = serializers.ListField(child=serializers.CharField(), required=False)
    veto = serializers.BooleanField(required=False)


class ScoreItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    weight = serializers.CharField(allow_null=True)
    deduction = serializers.CharField()
    points = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())


class ScoreResponseSerializer(serializers.Serializer):
    items = ScoreItemSerializer(many=True)
    base_score = serializers.CharField()
    bonus_points = serializers.CharField()
    score = serializers.CharField()
    band = serializers.CharField()
    band_label = serializers.CharField()
    consequence = serializers.CharField()
    vetoed = serializers.BooleanField()


class AssessmentScoreView(APIView):
    """Score a filled-in assessment table without saving it (any staff user)."""

    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    perms = {"*": "credit.score_assessment"}
    action = "score"

    @extend_schema(
        request=ScoreRequestSerializer,
        responses={
            200: ScoreResponseSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: {"<key>": ["message"]}.'),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data
        if not isinstance(data, Mapping):
            raise exceptions.ValidationError({"detail": _("Send a JSON object.")})
        errors = {key: [_("Required.")] for key in ("preset", "year", "values") if data.get(key) in (None, "")}
        if errors:
            raise exceptions.ValidationError(errors)
        bonus = data.get("bonus") or []
        if not isinstance(bonus, list):
            raise exceptions.ValidationError({"bonus": [_("Give a list of bonus keys.")]})
        veto = data.get("veto", False)
        if not isinstance(veto, bool):
            raise exceptions.ValidationError({"veto": [_("Give true or false.")]})
        try:
            preset = assessment_preset(str(data["preset"]), data["year"])
            result = engine.score(preset.definition, data["values"], bonus, veto)
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(result.as_dict())
